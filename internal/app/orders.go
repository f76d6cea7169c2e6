package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/goodwill"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// DefaultCurrency is the currency of an account's value while it has no
// delivered order to say otherwise.
const DefaultCurrency = "EUR"

// Products lists the products by name; activeOnly leaves out the
// inactive ones.
func (a *App) Products(ctx context.Context, actor access.Actor, activeOnly bool) ([]order.Product, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.Products(ctx, activeOnly)
}

// Product returns one product.
func (a *App) Product(ctx context.Context, actor access.Actor, id string) (order.Product, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return order.Product{}, err
	}
	return a.store.Product(ctx, id)
}

// CreateProduct adds a product (managers and admins).
func (a *App) CreateProduct(ctx context.Context, actor access.Actor, p order.Product) (order.Product, error) {
	if err := actor.Require(access.EditProducts, false); err != nil {
		return order.Product{}, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return p, err
	}
	now := a.Now()
	p.ID, p.CreatedAt, p.UpdatedAt, p.Version = newID(), now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertProduct(ctx, p); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "product.created", subjectType: "product", subjectID: p.ID, offTimeline: true, after: p})
	})
	return p, err
}

// ProductPatch is a change to a product: nil fields stay.
type ProductPatch struct {
	SKU       *string
	Name      *string
	UnitPrice *money.Money
	UnitCost  *money.Money
	Category  *string
	Active    *bool
}

// UpdateProduct changes a product if its version is still the one the
// caller read (0 skips the check). Orders already recorded keep the
// prices they were placed at.
func (a *App) UpdateProduct(ctx context.Context, actor access.Actor, id string, patch ProductPatch, version int64) (order.Product, error) {
	if err := actor.Require(access.EditProducts, false); err != nil {
		return order.Product{}, err
	}
	var out order.Product
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Product(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != p.Version {
			return fault.StaleVersion("product")
		}
		before := p
		if patch.SKU != nil {
			p.SKU = *patch.SKU
		}
		if patch.Name != nil {
			p.Name = *patch.Name
		}
		if patch.UnitPrice != nil {
			p.UnitPrice = *patch.UnitPrice
		}
		if patch.UnitCost != nil {
			p.UnitCost = *patch.UnitCost
		}
		if patch.Category != nil {
			p.Category = *patch.Category
		}
		if patch.Active != nil {
			p.Active = *patch.Active
		}
		p.Normalize()
		if err := p.Validate(); err != nil {
			return err
		}
		now := a.Now()
		p.UpdatedAt, p.Version = now, before.Version+1
		if err := tx.UpdateProduct(ctx, p, before.Version); err != nil {
			return err
		}
		out = p
		return a.record(ctx, tx, actor, now, change{kind: "product.changed", subjectType: "product", subjectID: p.ID, offTimeline: true,
			before: before, after: p})
	})
	return out, err
}

// LineInput is one line of an order being recorded: a product and a
// quantity; the unit price and cost are the product's unless given.
type LineInput struct {
	ProductID string
	Quantity  int64
	UnitPrice *money.Money
	UnitCost  *money.Money
}

// OrderInput is an order being recorded.
type OrderInput struct {
	AccountID string
	// OrderedAt is when the customer ordered; zero is now.
	OrderedAt time.Time
	Lines     []LineInput
	// PromisedDeliveryAt, when set, makes a delivery_date promise to the
	// customer, due then.
	PromisedDeliveryAt time.Time
	// Status is placed unless an order recorded after the fact is
	// already further along (imports, the demo book); its times are then
	// DeliveredAt and so on.
	Status      order.Status
	ShippedAt   time.Time
	DeliveredAt time.Time
}

// orderSnap is what an order's events keep: the order and the names its
// sentences need.
type orderSnap struct {
	Number      int64       `json:"number"`
	AccountName string      `json:"account_name"`
	ByName      string      `json:"by_name"`
	Revenue     money.Money `json:"revenue"`
	Status      string      `json:"status"`
	Promised    *time.Time  `json:"promised_delivery_at,omitempty"`
	OnTime      *bool       `json:"on_time,omitempty"`
	Lines       int         `json:"lines"`
}

func orderSnapOf(o order.Order, acc customer.Account, by string) orderSnap {
	s := orderSnap{Number: o.Number, AccountName: acc.Name, ByName: by, Revenue: o.Revenue, Status: string(o.Status), Lines: len(o.Lines)}
	if !o.PromisedDeliveryAt.IsZero() {
		t := o.PromisedDeliveryAt
		s.Promised = &t
	}
	if o.Status == order.Delivered && !o.PromisedDeliveryAt.IsZero() {
		ok := o.OnTime()
		s.OnTime = &ok
	}
	return s
}

// RecordOrder records an order of an account: its lines priced from the
// products (unless given), totalled, numbered from the order counter; a
// promised delivery date makes a delivery_date promise to the customer in
// the same transaction, made by the actor and due then.
func (a *App) RecordOrder(ctx context.Context, actor access.Actor, in OrderInput) (order.Order, error) {
	if err := actor.Require(access.RecordOrders, false); err != nil {
		return order.Order{}, err
	}
	var out order.Order
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.recordOrder(ctx, tx, actor, in)
		return err
	})
	return out, err
}

func (a *App) recordOrder(ctx context.Context, tx *store.Tx, actor access.Actor, in OrderInput) (order.Order, error) {
	now := a.Now()
	var f fault.Fields
	var acc customer.Account
	if in.AccountID == "" {
		f.Add("account_id", "choose the account that ordered")
	} else {
		var err error
		acc, err = tx.Account(ctx, in.AccountID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			f.Add("account_id", "no account has this id")
		case err != nil:
			return order.Order{}, err
		}
	}
	o := order.Order{ID: newID(), AccountID: in.AccountID, CreatedByID: actor.User.ID, OrderedAt: in.OrderedAt.UTC().Truncate(time.Millisecond),
		Status: order.Placed, PromisedDeliveryAt: in.PromisedDeliveryAt.UTC().Truncate(time.Millisecond), CreatedAt: now, UpdatedAt: now, Version: 1}
	if o.OrderedAt.IsZero() {
		o.OrderedAt = now
	}
	if o.OrderedAt.After(now) {
		f.Add("ordered_at", "an order is recorded once it is placed, not before")
	}
	if !o.PromisedDeliveryAt.IsZero() && o.PromisedDeliveryAt.Before(o.OrderedAt) {
		f.Add("promised_delivery_at", "a delivery is promised after the order is placed")
	}
	if len(in.Lines) == 0 {
		f.Add("lines", "an order has at least one line")
	}
	var ids []string
	for _, l := range in.Lines {
		if l.ProductID != "" {
			ids = append(ids, l.ProductID)
		}
	}
	products, perr := tx.ProductsByID(ctx, ids) // one read for every line
	if perr != nil {
		return o, perr
	}
	for i, l := range in.Lines {
		at := fmt.Sprintf("lines[%d]", i)
		p, ok := products[l.ProductID]
		switch {
		case l.ProductID == "":
			f.Add(at+".product_id", "choose a product")
			continue
		case !ok:
			f.Add(at+".product_id", "no product has this id")
			continue
		case !p.Active:
			f.Add(at+".product_id", "this product is no longer sold (inactive)")
			continue
		}
		if o.Currency == "" {
			o.Currency = p.UnitPrice.Currency // the order's currency is its first product's
		}
		line := order.Line{ProductID: p.ID, SKU: p.SKU, Name: p.Name, Quantity: l.Quantity, UnitPrice: p.UnitPrice, UnitCost: p.UnitCost}
		if l.UnitPrice != nil {
			line.UnitPrice = *l.UnitPrice
		}
		if l.UnitCost != nil {
			line.UnitCost = *l.UnitCost
		}
		o.Lines = append(o.Lines, line)
	}
	if len(f) == 0 {
		if err := o.Total(); err != nil {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
	} else if len(o.Lines) > 0 {
		// Report the lines' own faults too, under their input positions.
		tmp := o
		if err := tmp.Total(); err != nil && len(o.Lines) == len(in.Lines) {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
	}
	if err := f.Err(); err != nil {
		return o, err
	}
	switch in.Status {
	case "", order.Placed:
	case order.Shipped, order.Delivered:
		ship := in.ShippedAt
		if ship.IsZero() {
			ship = in.DeliveredAt
		}
		if err := o.Apply(order.Shipped, ship.UTC().Truncate(time.Millisecond)); err != nil {
			return o, err
		}
		if in.Status == order.Delivered {
			if err := o.Apply(order.Delivered, in.DeliveredAt.UTC().Truncate(time.Millisecond)); err != nil {
				return o, err
			}
		}
	default:
		return o, (&fault.Fields{{Field: "status", Message: "an order is recorded placed, shipped or delivered"}}).Err()
	}
	var err error
	if o.Number, err = tx.NextNumber(ctx, "order"); err != nil {
		return o, err
	}
	if err := tx.InsertOrder(ctx, o); err != nil {
		return o, err
	}
	by := actor.User.Name
	if err := a.record(ctx, tx, actor, now, change{kind: "order.recorded", accountID: o.AccountID, subjectType: "order", subjectID: o.ID,
		team: customer.TeamSales, after: orderSnapOf(o, acc, by)}); err != nil {
		return o, err
	}
	if o.Status == order.Delivered {
		if err := a.surveyTrigger(ctx, tx, "order_delivered", "order", o.ID); err != nil {
			return o, err
		}
	}
	if o.PromisedDeliveryAt.IsZero() {
		return o, nil
	}
	p := promise.Promise{AccountID: o.AccountID, Kind: promise.DeliveryDate, DueAt: o.PromisedDeliveryAt,
		Description:     fmt.Sprintf("Order #%d is delivered by %s", o.Number, a.day(o.PromisedDeliveryAt)),
		Acknowledgement: fmt.Sprintf("The delivery date of order #%d", o.Number)}
	if o.PromisedDeliveryAt.Before(now) {
		p.BackdatedReason = fmt.Sprintf("Recorded with order #%d after its promised delivery date", o.Number)
	}
	made, err := a.makePromise(ctx, tx, actor, p, "promised_delivery_at")
	if err != nil {
		if fe, ok := fault.As(err); ok && fe.Kind == fault.Invalid {
			for i := range fe.Fields {
				fe.Fields[i].Field = "promised_delivery_at"
			}
		}
		return o, err
	}
	if err := tx.SetPromiseOrder(ctx, made.ID, o.ID); err != nil {
		return o, err
	}
	if o.Status == order.Delivered {
		return o, a.settleDeliveryPromise(ctx, tx, actor, o)
	}
	return o, nil
}

// settleDeliveryPromise keeps or breaks the delivery promise of an
// order that was delivered or cancelled: kept when delivered by the
// promised time, broken ("delivered late", "cancelled") otherwise. A
// promise already final (broken after its grace period) stays as it is.
func (a *App) settleDeliveryPromise(ctx context.Context, tx *store.Tx, actor access.Actor, o order.Order) error {
	id, err := tx.OrderPromiseID(ctx, o.ID)
	if err != nil || id == "" {
		return err
	}
	p, err := tx.Promise(ctx, id)
	if err != nil {
		return err
	}
	if p.Status.Final() {
		return nil
	}
	var t promise.Transition
	switch {
	case o.Status == order.Delivered && o.OnTime():
		t = promise.Transition{To: promise.Kept, Evidence: fmt.Sprintf("Order #%d delivered %s", o.Number, a.day(o.DeliveredAt))}
	case o.Status == order.Delivered:
		t = promise.Transition{To: promise.Broken, Reason: "delivered late"}
	case o.Status == order.Cancelled:
		t = promise.Transition{To: promise.Broken, Reason: "cancelled"}
	default:
		return nil
	}
	before := p
	now := a.Now()
	if err := p.Apply(t, actor.User.ID, now); err != nil {
		return err
	}
	p.CheckAt, p.UpdatedAt, p.Version = time.Time{}, now, before.Version+1
	if err := tx.UpdatePromise(ctx, p, before.Version); err != nil {
		return err
	}
	acc, err := tx.Account(ctx, p.AccountID)
	if err != nil {
		return err
	}
	return a.record(ctx, tx, actor, now, change{kind: "promise." + string(p.Status), accountID: p.AccountID, subjectType: "promise",
		subjectID: p.ID, team: customer.TeamSales, after: a.snap(ctx, tx, p, acc)})
}

// TransitionOrder moves an order on (shipped, delivered, returned,
// cancelled) at a time (zero: now). Delivering records order.delivered,
// which the follow-up loop listens to, and keeps or breaks the order's
// delivery promise; cancelling breaks it.
func (a *App) TransitionOrder(ctx context.Context, actor access.Actor, id string, to order.Status, at time.Time, version int64) (order.Order, error) {
	if err := actor.Require(access.RecordOrders, false); err != nil {
		return order.Order{}, err
	}
	var out order.Order
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		o, err := tx.Order(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != o.Version {
			return fault.StaleVersion("order")
		}
		now := a.Now()
		at := at.UTC().Truncate(time.Millisecond)
		if at.IsZero() {
			at = now
		}
		if at.After(now) {
			return (&fault.Fields{{Field: "at", Message: "this time has not come yet"}}).Err()
		}
		before := o
		if err := o.Apply(to, at); err != nil {
			return err
		}
		o.UpdatedAt, o.Version = now, before.Version+1
		if err := tx.UpdateOrderStatus(ctx, o, before.Version); err != nil {
			return err
		}
		acc, err := tx.Account(ctx, o.AccountID)
		if err != nil {
			return err
		}
		by := ""
		if u, err := tx.User(ctx, o.CreatedByID); err == nil {
			by = u.Name
		}
		if err := a.record(ctx, tx, actor, now, change{kind: "order." + string(o.Status), accountID: o.AccountID, subjectType: "order",
			subjectID: o.ID, team: customer.TeamSales, after: orderSnapOf(o, acc, by)}); err != nil {
			return err
		}
		out = o
		return a.settleDeliveryPromise(ctx, tx, actor, o)
	})
	return out, err
}

// Order returns one order.
func (a *App) Order(ctx context.Context, actor access.Actor, id string) (order.Order, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return order.Order{}, err
	}
	return a.store.Order(ctx, id)
}

// Orders lists orders, newest first.
func (a *App) Orders(ctx context.Context, actor access.Actor, f store.OrderFilter, p store.Page) ([]order.Order, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	for _, s := range f.Statuses {
		if !slices.Contains(order.Statuses, s) {
			return nil, "", (&fault.Fields{{Field: "status", Message: fmt.Sprintf("%q is not an order status", s)}}).Err()
		}
	}
	return a.store.Orders(ctx, f, p)
}

// OrderPromise returns the delivery promise an order made, if any.
func (a *App) OrderPromise(ctx context.Context, actor access.Actor, orderID string) (*promise.Promise, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	id, err := a.store.OrderPromiseID(ctx, orderID)
	if err != nil || id == "" {
		return nil, err
	}
	p, err := a.store.Promise(ctx, id)
	return &p, err
}

// valueReader is what the value reads from: the store, or a transaction.
type valueReader interface {
	OrderTallies(ctx context.Context, accountID string, since, until time.Time) ([]order.Tally, time.Time, error)
	Wallet(ctx context.Context, accountID string) (*store.Wallet, error)
}

// openPipeline is the sum of an account's open deals (unweighted) in the
// value's currency; without orders, in the currency most of its open deals
// are in (OpenPipeline).
func (a *App) openPipeline(ctx context.Context, _ valueReader, accountID, currency string) (money.Money, error) {
	if currency == "" { // no orders yet: the currency most of its open deals are in
		return a.OpenPipeline(ctx, accountID)
	}
	sums, _, err := a.store.OpenDealSums(ctx, accountID)
	return money.Money{Minor: sums[currency], Currency: currency}, err
}

// AccountValue is what an account is worth in the last 12 months: its
// delivered orders' revenue and margin in its main currency (order.Figures
// says what counts), how often it orders, what is still on order and its
// open pipeline.
func (a *App) AccountValue(ctx context.Context, actor access.Actor, accountID string) (order.Value, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return order.Value{}, err
	}
	if _, err := a.store.Account(ctx, accountID); err != nil {
		return order.Value{}, err
	}
	return a.valueOf(ctx, a.store, accountID)
}

func (a *App) valueOf(ctx context.Context, q valueReader, accountID string) (order.Value, error) {
	now := a.Now()
	tallies, newest, err := q.OrderTallies(ctx, accountID, now.Add(-order.Window), now)
	if err != nil {
		return order.Value{}, err
	}
	v := order.FromTallies(tallies, newest, DefaultCurrency)
	wallet, err := q.Wallet(ctx, accountID)
	if err != nil {
		return v, err
	}
	if wallet != nil {
		v.CategorySpend = &wallet.Spend
		v.WithWallet(wallet.Spend)
	}
	v.OpenPipeline, err = a.openPipeline(ctx, q, accountID, v.Currency)
	return v, err
}

// goodwillValue is the account's value as the goodwill limits read it.
func (a *App) goodwillValue(ctx context.Context, tx *store.Tx, accountID string) (goodwill.Value, error) {
	v, err := a.valueOf(ctx, tx, accountID)
	if err != nil {
		return goodwill.Value{}, err
	}
	return goodwill.Value{Margin12m: v.Margin12m}, nil
}
