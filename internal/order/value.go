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
	OnOrder       money.Money `json:"on_order"`
	OnOrderCount  int         `json:"on_order_count"`
	OpenPipeline  money.Money `json:"open_pipeline"`
	LeftOut       int         `json:"left_out_orders" doc:"Orders of the 12 months in other currencies than the main one, left out of the figures"`
	ShareOfWallet *float64    `json:"share_of_wallet"`
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

// Figures works out an account's value from the facts of its orders of
// the window and those still on order, at now. fallback is the currency
// used when no order counts (the team's main currency).
func Figures(facts []Fact, now time.Time, fallback string) Value {
	type tally struct {
		n   int
		rev int64
	}
	by := map[string]*tally{}
	for _, f := range facts {
		if f.Counted(now) {
			t := by[f.Currency]
			if t == nil {
				t = &tally{}
				by[f.Currency] = t
			}
			t.n++
			t.rev += f.Revenue
		}
	}
	cur, best := fallback, tally{}
	codes := make([]string, 0, len(by))
	for c := range by {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		t := *by[c]
		if t.n > best.n || (t.n == best.n && t.rev > best.rev) {
			cur, best = c, t
		}
	}
	v := Value{Currency: cur, Revenue12m: money.Zero(cur), Margin12m: money.Zero(cur), OnOrder: money.Zero(cur), OpenPipeline: money.Zero(cur)}
	var ordered []time.Time
	for _, f := range facts {
		if f.Status != Cancelled && (v.LastOrderAt == nil || f.OrderedAt.After(*v.LastOrderAt)) {
			t := f.OrderedAt
			v.LastOrderAt = &t
		}
		switch {
		case f.Counted(now) && f.Currency != cur:
			v.LeftOut++
		case f.Counted(now):
			v.Orders12m++
			v.Revenue12m.Minor += f.Revenue
			v.Margin12m.Minor += f.Revenue - f.Cost
			ordered = append(ordered, f.OrderedAt)
		case f.Status.Open() && f.Currency == cur:
			v.OnOrder.Minor += f.Revenue
			v.OnOrderCount++
		}
	}
	if len(ordered) > 1 {
		slices.SortFunc(ordered, func(a, b time.Time) int { return cmp.Compare(a.UnixMilli(), b.UnixMilli()) })
		d := ordered[len(ordered)-1].Sub(ordered[0]).Hours() / 24 / float64(len(ordered)-1)
		d = float64(int64(d*10+0.5)) / 10
		v.AvgDaysBetweenOrders = &d
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
