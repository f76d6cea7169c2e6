// Package order holds the rules of products and orders: what a product
// is, how an order's lines add up to its revenue, cost and margin (in
// integer minor units of the order's one currency), and how an order
// moves from placed to shipped to delivered, or is returned or cancelled.
package order

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tandem/internal/fault"
	"tandem/internal/money"
)

// Product is something we sell, at a unit price and a unit cost in the
// same currency.
type Product struct {
	ID        string      `json:"id"`
	SKU       string      `json:"sku"`
	Name      string      `json:"name"`
	UnitPrice money.Money `json:"unit_price"`
	UnitCost  money.Money `json:"unit_cost"`
	Category  string      `json:"category"`
	Active    bool        `json:"active"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	Version   int64       `json:"version"`
}

// Normalize trims what people typed.
func (p *Product) Normalize() {
	p.SKU, p.Name, p.Category = strings.TrimSpace(p.SKU), strings.TrimSpace(p.Name), strings.TrimSpace(p.Category)
	p.UnitPrice.Currency = strings.ToUpper(strings.TrimSpace(p.UnitPrice.Currency))
	p.UnitCost.Currency = strings.ToUpper(strings.TrimSpace(p.UnitCost.Currency))
}

// Validate reports what is wrong with a product, field by field.
func (p Product) Validate() error {
	var f fault.Fields
	if p.SKU == "" {
		f.Add("sku", "write the product's SKU")
	} else if len(p.SKU) > 64 {
		f.Add("sku", "a SKU has at most 64 characters")
	}
	if p.Name == "" {
		f.Add("name", "write the product's name")
	} else if len([]rune(p.Name)) > 200 {
		f.Add("name", "a name has at most 200 characters")
	}
	if len([]rune(p.Category)) > 100 {
		f.Add("category", "a category has at most 100 characters")
	}
	p.UnitPrice.Validate("unit_price", &f)
	p.UnitCost.Validate("unit_cost", &f)
	if p.UnitCost.Currency != p.UnitPrice.Currency && money.KnownCurrency(p.UnitCost.Currency) {
		f.Add("unit_cost.currency", "the cost is in the price's currency, "+p.UnitPrice.Currency)
	}
	return f.Err()
}

// Status is where an order stands.
type Status string

// The statuses of an order.
const (
	Placed    Status = "placed"
	Shipped   Status = "shipped"
	Delivered Status = "delivered"
	Returned  Status = "returned"
	Cancelled Status = "cancelled"
)

// Statuses are every status, in the order an order goes through them.
var Statuses = []Status{Placed, Shipped, Delivered, Returned, Cancelled}

var next = map[Status][]Status{
	Placed:    {Shipped, Delivered, Cancelled},
	Shipped:   {Delivered, Returned, Cancelled},
	Delivered: {Returned},
}

// Allowed is where an order of this status may go.
func Allowed(s Status) []Status { return next[s] }

// Counts reports whether an order of this status is revenue: only
// delivered orders are; placed and shipped ones are "on order", returned
// and cancelled ones never count.
func (s Status) Counts() bool { return s == Delivered }

// Open reports whether the order is still on its way (on order).
func (s Status) Open() bool { return s == Placed || s == Shipped }

// Line is one product on an order, at the price and cost of the order's
// time.
type Line struct {
	ProductID string      `json:"product_id"`
	SKU       string      `json:"sku"`
	Name      string      `json:"name"`
	Quantity  int64       `json:"quantity"`
	UnitPrice money.Money `json:"unit_price"`
	UnitCost  money.Money `json:"unit_cost"`
}

// Revenue is the line's total price: quantity × unit price, exact in
// minor units (no rounding: unit prices are already minor units).
func (l Line) Revenue() int64 { return l.Quantity * l.UnitPrice.Minor }

// Cost is the line's total cost.
func (l Line) Cost() int64 { return l.Quantity * l.UnitCost.Minor }

// Order is what an account bought at one time, in one currency.
type Order struct {
	ID                 string      `json:"id"`
	Number             int64       `json:"number"`
	AccountID          string      `json:"account_id"`
	CreatedByID        string      `json:"created_by_id"`
	OrderedAt          time.Time   `json:"ordered_at"`
	Currency           string      `json:"currency"`
	Lines              []Line      `json:"lines"`
	Revenue            money.Money `json:"revenue"`
	Cost               money.Money `json:"cost"`
	Margin             money.Money `json:"margin"`
	Status             Status      `json:"status"`
	PromisedDeliveryAt time.Time   `json:"promised_delivery_at"`
	ShippedAt          time.Time   `json:"shipped_at"`
	DeliveredAt        time.Time   `json:"delivered_at"`
	ReturnedAt         time.Time   `json:"returned_at"`
	CancelledAt        time.Time   `json:"cancelled_at"`
	CreatedAt          time.Time   `json:"created_at"`
	UpdatedAt          time.Time   `json:"updated_at"`
	Version            int64       `json:"version"`
}

// maxQuantity keeps quantity × price far from overflowing int64.
const maxQuantity = 1_000_000

// Total adds the lines up into revenue, cost and margin, and checks
// them: at least one line, every quantity above zero, every amount in
// the order's one currency (the first line's). Field names are
// lines[i].quantity and so on.
func (o *Order) Total() error {
	var f fault.Fields
	if len(o.Lines) == 0 {
		f.Add("lines", "an order has at least one line")
	}
	if len(o.Lines) > 200 {
		f.Add("lines", "an order has at most 200 lines")
	}
	cur := o.Currency
	if cur == "" && len(o.Lines) > 0 {
		cur = o.Lines[0].UnitPrice.Currency
	}
	var rev, cost int64
	for i, l := range o.Lines {
		at := fmt.Sprintf("lines[%d]", i)
		if l.Quantity <= 0 {
			f.Add(at+".quantity", "a quantity is a whole number above zero")
		} else if l.Quantity > maxQuantity {
			f.Add(at+".quantity", fmt.Sprintf("a quantity is at most %d", maxQuantity))
		}
		l.UnitPrice.Validate(at+".unit_price", &f)
		l.UnitCost.Validate(at+".unit_cost", &f)
		if l.UnitPrice.Currency != cur {
			f.Add(at+".unit_price.currency", "every line of an order is in one currency, "+cur)
		}
		if l.UnitCost.Currency != cur {
			f.Add(at+".unit_cost.currency", "every line of an order is in one currency, "+cur)
		}
		if l.UnitPrice.Minor > 1e12 || l.UnitCost.Minor > 1e12 {
			f.Add(at+".unit_price", "an amount this large is not a unit price")
		}
		rev += l.Revenue()
		cost += l.Cost()
	}
	if err := f.Err(); err != nil {
		return err
	}
	o.Currency = cur
	o.Revenue, o.Cost = money.Money{Minor: rev, Currency: cur}, money.Money{Minor: cost, Currency: cur}
	o.Margin = money.Money{Minor: rev - cost, Currency: cur}
	return nil
}

// Apply moves the order to a status at a time (the time it shipped, was
// delivered, returned or cancelled; not before it was ordered).
func (o *Order) Apply(to Status, at time.Time) error {
	if !slices.Contains(Statuses, to) {
		return (&fault.Fields{{Field: "to", Message: fmt.Sprintf("%q is not a status: write one of %s", to, names(Statuses))}}).Err()
	}
	if !slices.Contains(next[o.Status], to) {
		msg := fmt.Sprintf("a %s order cannot become %s", o.Status, to)
		if len(next[o.Status]) > 0 {
			msg += "; it can become " + names(next[o.Status])
		} else {
			msg += "; it is final"
		}
		return (&fault.Fields{{Field: "to", Message: msg}}).Err()
	}
	if at.Before(o.OrderedAt) {
		return (&fault.Fields{{Field: "at", Message: "this is before the order was placed"}}).Err()
	}
	o.Status = to
	switch to {
	case Shipped:
		o.ShippedAt = at
	case Delivered:
		o.DeliveredAt = at
	case Returned:
		o.ReturnedAt = at
	case Cancelled:
		o.CancelledAt = at
	}
	return nil
}

// OnTime reports whether a delivered order came by its promised date
// (exactly at the promised moment is on time). An order with no promised
// date is on time.
func (o Order) OnTime() bool {
	return o.PromisedDeliveryAt.IsZero() || !o.DeliveredAt.After(o.PromisedDeliveryAt)
}

func names(ss []Status) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}
