package order

import (
	"cmp"
	"slices"
	"time"

	"tandem/internal/money"
)

// Value is what an account is worth to us in the last 12 months, from
// its orders. Only delivered orders are revenue; placed and shipped ones
// are "on order" (not revenue yet); returned and cancelled ones never
// count. The figures are in the account's main currency: the currency of
// most of its counted orders (ties: the larger revenue, then the code);
// orders in other currencies are left out and counted in LeftOut.
type Value struct {
	Currency             string      `json:"currency"`
	Revenue12m           money.Money `json:"revenue_12m"`
	Margin12m            money.Money `json:"margin_12m"`
	Orders12m            int         `json:"orders_12m"`
	LastOrderAt          *time.Time  `json:"last_order_at"`
	AvgDaysBetweenOrders *float64    `json:"avg_days_between_orders"`
	// OnOrder is the revenue of orders placed or shipped but not yet
	// delivered, in the main currency.
	OnOrder      money.Money `json:"on_order"`
	OnOrderCount int         `json:"on_order_count"`
	OpenPipeline money.Money `json:"open_pipeline"`
	LeftOut      int         `json:"left_out_orders" doc:"Orders of the 12 months in other currencies than the main one, left out of the figures"`
	// CategorySpend is sales' estimate of the customer's total spend in
	// our category over 12 months; ShareOfWallet is Revenue12m over it,
	// when it is in the value's currency (a fraction: 0.25 is 25 %).
	CategorySpend *money.Money `json:"category_spend" doc:"Sales' estimate of the customer's yearly spend in our category; null when none was entered"`
	ShareOfWallet *float64     `json:"share_of_wallet" doc:"revenue_12m / category_spend (0.25 is 25 %); null without an estimate in the value's currency"`
}

// Fact is what the value needs of one order.
type Fact struct {
	Status      Status
	OrderedAt   time.Time
	DeliveredAt time.Time
	Currency    string
	Revenue     int64
	Cost        int64
}

// Window is how far back the value looks.
const Window = 365 * 24 * time.Hour

// Counted reports whether an order counts in the 12 months to now: it
// was delivered (by its delivery time) in (now-12 months, now].
func (f Fact) Counted(now time.Time) bool {
	return f.Status.Counts() && f.DeliveredAt.After(now.Add(-Window)) && !f.DeliveredAt.After(now)
}

// Tally is what the value needs of a group of orders in one currency:
// the delivered ones of the window (Open false) or those still on order
// (Open true).
type Tally struct {
	Currency    string
	Open        bool
	Count       int
	Revenue     int64
	Cost        int64
	First, Last time.Time // the first and last ordered_at of the group
}

// Figures works out an account's value from the facts of its orders at
// now. fallback is the currency used when no order counts.
func Figures(facts []Fact, now time.Time, fallback string) Value {
	by := map[[2]string]*Tally{}
	var newest time.Time
	for _, f := range facts {
		if f.Status != Cancelled && f.OrderedAt.After(newest) {
			newest = f.OrderedAt
		}
		var key [2]string
		switch {
		case f.Counted(now):
			key = [2]string{f.Currency, ""}
		case f.Status.Open():
			key = [2]string{f.Currency, "open"}
		default:
			continue
		}
		t := by[key]
		if t == nil {
			t = &Tally{Currency: f.Currency, Open: key[1] != "", First: f.OrderedAt, Last: f.OrderedAt}
			by[key] = t
		}
		t.Count++
		t.Revenue += f.Revenue
		t.Cost += f.Cost
		if f.OrderedAt.Before(t.First) {
			t.First = f.OrderedAt
		}
		if f.OrderedAt.After(t.Last) {
			t.Last = f.OrderedAt
		}
	}
	tallies := make([]Tally, 0, len(by))
	for _, t := range by {
		tallies = append(tallies, *t)
	}
	return FromTallies(tallies, newest, fallback)
}

// FromTallies works out the value from the tallies of the account's
// orders (delivered in the window, and on order) and its newest order's
// time (zero: none).
func FromTallies(tallies []Tally, newest time.Time, fallback string) Value {
	slices.SortFunc(tallies, func(a, b Tally) int { return cmp.Compare(a.Currency, b.Currency) })
	cur, best := fallback, Tally{}
	for _, t := range tallies {
		if !t.Open && (t.Count > best.Count || (t.Count == best.Count && t.Revenue > best.Revenue)) {
			cur, best = t.Currency, t
		}
	}
	v := Value{Currency: cur, Revenue12m: money.Zero(cur), Margin12m: money.Zero(cur), OnOrder: money.Zero(cur), OpenPipeline: money.Zero(cur)}
	if !newest.IsZero() {
		v.LastOrderAt = &newest
	}
	for _, t := range tallies {
		switch {
		case t.Open && t.Currency == cur:
			v.OnOrder.Minor += t.Revenue
			v.OnOrderCount += t.Count
		case t.Open:
		case t.Currency != cur:
			v.LeftOut += t.Count
		default:
			v.Orders12m += t.Count
			v.Revenue12m.Minor += t.Revenue
			v.Margin12m.Minor += t.Revenue - t.Cost
			if t.Count > 1 {
				d := t.Last.Sub(t.First).Hours() / 24 / float64(t.Count-1)
				d = float64(int64(d*10+0.5)) / 10
				v.AvgDaysBetweenOrders = &d
			}
		}
	}
	return v
}

// WithWallet sets the share of wallet: revenue_12m over the customer's
// total spend in our category, when that is known in the same currency.
func (v *Value) WithWallet(wallet money.Money) {
	if wallet.Minor <= 0 || wallet.Currency != v.Currency {
		return
	}
	s := float64(v.Revenue12m.Minor) / float64(wallet.Minor)
	s = float64(int64(s*1000+0.5)) / 1000
	v.ShareOfWallet = &s
}
