package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"time"

	"tandem/internal/fault"
	"tandem/internal/money"
	"tandem/internal/order"
)

const productCols = `id, sku, name, price_minor, cost_minor, currency, category, active, created_at, updated_at, version`

func scanProduct(sc interface{ Scan(...any) error }) (order.Product, error) {
	var p order.Product
	var created, updated int64
	err := sc.Scan(&p.ID, &p.SKU, &p.Name, &p.UnitPrice.Minor, &p.UnitCost.Minor, &p.UnitPrice.Currency, &p.Category, &p.Active,
		&created, &updated, &p.Version)
	p.UnitCost.Currency = p.UnitPrice.Currency
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, err
}

func skuConflict(err error) error {
	if IsUnique(err) {
		return &fault.Error{Kind: fault.Conflict, Message: "another product already has this SKU",
			Fields: []fault.FieldError{{Field: "sku", Message: "another product already has this SKU"}}}
	}
	return err
}

// InsertProduct adds a product at version 1.
func (tx *Tx) InsertProduct(ctx context.Context, p order.Product) error {
	_, err := tx.exec(ctx, `INSERT INTO products (`+productCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1)`,
		p.ID, p.SKU, p.Name, p.UnitPrice.Minor, p.UnitCost.Minor, p.UnitPrice.Currency, p.Category, p.Active, ms(p.CreatedAt), ms(p.UpdatedAt))
	return skuConflict(err)
}

// UpdateProduct writes a product if its version is still expected.
func (tx *Tx) UpdateProduct(ctx context.Context, p order.Product, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE products SET sku = $2, name = $3, price_minor = $4, cost_minor = $5, currency = $6, category = $7,
		active = $8, updated_at = $9, version = version + 1 WHERE id = $1 AND version = $10`,
		p.ID, p.SKU, p.Name, p.UnitPrice.Minor, p.UnitCost.Minor, p.UnitPrice.Currency, p.Category, p.Active, ms(p.UpdatedAt), expected)
	if err != nil {
		return skuConflict(err)
	}
	return staleUnlessOne(res, "product")
}

// Product returns a product by id.
func (q q) Product(ctx context.Context, id string) (order.Product, error) {
	p, err := scanProduct(q.row(ctx, `SELECT `+productCols+` FROM products WHERE id = $1`, id))
	return p, notFound(err, "product")
}

// Products lists the products by name; activeOnly leaves out the
// inactive ones.
func (q q) Products(ctx context.Context, activeOnly bool) ([]order.Product, error) {
	query := `SELECT ` + productCols + ` FROM products`
	if activeOnly {
		query += ` WHERE active = TRUE`
		if q.sqlite {
			query = `SELECT ` + productCols + ` FROM products WHERE active = 1`
		}
	}
	rows, err := q.query(ctx, query+` ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanProduct)
}

// ProductsByID returns the products of ids that exist, by id.
func (q q) ProductsByID(ctx context.Context, ids []string) (map[string]order.Product, error) {
	out := map[string]order.Product{}
	if len(ids) == 0 {
		return out, nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var w where
	in := placeholders(&w, ids)
	rows, err := q.query(ctx, `SELECT `+productCols+` FROM products WHERE id IN (`+in+`)`, w.args...)
	if err != nil {
		return nil, err
	}
	list, err := collect(rows, scanProduct)
	for _, p := range list {
		out[p.ID] = p
	}
	return out, err
}

const orderCols = `id, number, account_id, created_by_id, ordered_at, currency, lines, revenue_minor, cost_minor, status,
	promised_delivery_at, shipped_at, delivered_at, returned_at, cancelled_at, created_at, updated_at, version`

// storedLine is a line as the orders table keeps it.
type storedLine struct {
	ProductID string `json:"product_id"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Quantity  int64  `json:"quantity"`
	Price     int64  `json:"unit_price_minor"`
	Cost      int64  `json:"unit_cost_minor"`
}

func scanOrder(sc interface{ Scan(...any) error }) (order.Order, error) {
	var o order.Order
	var lines, status string
	var ordered, created, updated int64
	var promised, shipped, delivered, returned, cancelled sql.NullInt64
	err := sc.Scan(&o.ID, &o.Number, &o.AccountID, &o.CreatedByID, &ordered, &o.Currency, &lines, &o.Revenue.Minor, &o.Cost.Minor, &status,
		&promised, &shipped, &delivered, &returned, &cancelled, &created, &updated, &o.Version)
	if err != nil {
		return o, err
	}
	o.Status = order.Status(status)
	o.Revenue.Currency, o.Cost.Currency = o.Currency, o.Currency
	o.Margin = money.Money{Minor: o.Revenue.Minor - o.Cost.Minor, Currency: o.Currency}
	o.OrderedAt, o.CreatedAt, o.UpdatedAt = fromMS(ordered), fromMS(created), fromMS(updated)
	o.PromisedDeliveryAt, o.ShippedAt, o.DeliveredAt = fromNullMS(promised), fromNullMS(shipped), fromNullMS(delivered)
	o.ReturnedAt, o.CancelledAt = fromNullMS(returned), fromNullMS(cancelled)
	var sl []storedLine
	if err := json.Unmarshal([]byte(lines), &sl); err != nil {
		return o, err
	}
	o.Lines = make([]order.Line, len(sl))
	for i, l := range sl {
		o.Lines[i] = order.Line{ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity,
			UnitPrice: money.Money{Minor: l.Price, Currency: o.Currency}, UnitCost: money.Money{Minor: l.Cost, Currency: o.Currency}}
	}
	return o, nil
}

// InsertOrder adds an order at version 1.
func (tx *Tx) InsertOrder(ctx context.Context, o order.Order) error {
	sl := make([]storedLine, len(o.Lines))
	for i, l := range o.Lines {
		sl[i] = storedLine{ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Quantity: l.Quantity, Price: l.UnitPrice.Minor, Cost: l.UnitCost.Minor}
	}
	lines, err := json.Marshal(sl)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO orders (`+orderCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1)`,
		o.ID, o.Number, o.AccountID, o.CreatedByID, ms(o.OrderedAt), o.Currency, string(lines), o.Revenue.Minor, o.Cost.Minor, string(o.Status),
		nullMS(o.PromisedDeliveryAt), nullMS(o.ShippedAt), nullMS(o.DeliveredAt), nullMS(o.ReturnedAt), nullMS(o.CancelledAt),
		ms(o.CreatedAt), ms(o.UpdatedAt))
	return err
}

// UpdateOrderStatus writes an order's status and its times if its
// version is still expected; the lines and totals never change.
func (tx *Tx) UpdateOrderStatus(ctx context.Context, o order.Order, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE orders SET status = $2, shipped_at = $3, delivered_at = $4, returned_at = $5, cancelled_at = $6,
		updated_at = $7, version = version + 1 WHERE id = $1 AND version = $8`,
		o.ID, string(o.Status), nullMS(o.ShippedAt), nullMS(o.DeliveredAt), nullMS(o.ReturnedAt), nullMS(o.CancelledAt), ms(o.UpdatedAt), expected)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "order")
}

// Order returns an order by id.
func (q q) Order(ctx context.Context, id string) (order.Order, error) {
	o, err := scanOrder(q.row(ctx, `SELECT `+orderCols+` FROM orders WHERE id = $1`, id))
	return o, notFound(err, "order")
}

// OrderFilter narrows the order list.
type OrderFilter struct {
	AccountID string
	Statuses  []order.Status
	// Only orders placed in [After, Before); zero leaves a bound open.
	After, Before time.Time
}

// Orders lists orders, newest first.
func (q q) Orders(ctx context.Context, f OrderFilter, p Page) ([]order.Order, string, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if len(f.Statuses) > 0 {
		w.conds = append(w.conds, "status IN ("+placeholders(&w, f.Statuses)+")")
	}
	if !f.After.IsZero() {
		w.add("ordered_at >= ?", ms(f.After))
	}
	if !f.Before.IsZero() {
		w.add("ordered_at < ?", ms(f.Before))
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(ordered_at < ? OR (ordered_at = ? AND id < ?))", c.N, c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+orderCols+` FROM orders`+w.String()+` ORDER BY ordered_at DESC, id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanOrder)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: ms(out[n-1].OrderedAt), ID: out[n-1].ID}.String()
	}
	return out, next, nil
}

// OrderTallies returns what an account's value needs of its orders, added
// up per currency by the indexes: those delivered in (since, until], those
// still on order, and the newest order's time (zero: none). The rules of
// what counts are order.FromTallies'.
//
// The delivered orders are added up one currency at a time, each a range
// of orders_account_currency (account, status, currency, delivered_at)
// that covers what it sums: no order row is read and nothing is sorted.
// The next currency is a seek in the same index.
func (q q) OrderTallies(ctx context.Context, accountID string, since, until time.Time) ([]order.Tally, time.Time, error) {
	var out []order.Tally
	for cur := ""; ; {
		var next sql.NullString
		if err := q.row(ctx, `SELECT MIN(currency) FROM orders WHERE account_id = $1 AND status = 'delivered' AND currency > $2`,
			accountID, cur).Scan(&next); err != nil {
			return nil, time.Time{}, err
		}
		if !next.Valid {
			break
		}
		cur = next.String
		t := order.Tally{Currency: cur}
		var first, last sql.NullInt64
		if err := q.row(ctx, `SELECT COUNT(*), COALESCE(SUM(revenue_minor), 0), COALESCE(SUM(cost_minor), 0), MIN(ordered_at), MAX(ordered_at)
			FROM orders WHERE account_id = $1 AND status = 'delivered' AND currency = $2 AND delivered_at > $3 AND delivered_at <= $4`,
			accountID, cur, ms(since), ms(until)).Scan(&t.Count, &t.Revenue, &t.Cost, &first, &last); err != nil {
			return nil, time.Time{}, err
		}
		if t.Count > 0 {
			t.First, t.Last = fromMS(first.Int64), fromMS(last.Int64)
			out = append(out, t)
		}
	}
	rows, err := q.query(ctx, `SELECT currency, COUNT(*), SUM(revenue_minor), SUM(cost_minor), MIN(ordered_at), MAX(ordered_at) FROM orders
		WHERE account_id = $1 AND status IN ('placed', 'shipped') GROUP BY currency`, accountID)
	if err != nil {
		return nil, time.Time{}, err
	}
	open, err := collect(rows, func(sc interface{ Scan(...any) error }) (order.Tally, error) {
		t := order.Tally{Open: true}
		var first, last int64
		err := sc.Scan(&t.Currency, &t.Count, &t.Revenue, &t.Cost, &first, &last)
		t.First, t.Last = fromMS(first), fromMS(last)
		return t, err
	})
	if err != nil {
		return nil, time.Time{}, err
	}
	out = append(out, open...)
	var newest int64
	err = q.row(ctx, `SELECT ordered_at FROM orders WHERE account_id = $1 AND status <> 'cancelled' ORDER BY ordered_at DESC LIMIT 1`, accountID).Scan(&newest)
	switch {
	case err == sql.ErrNoRows:
		return out, time.Time{}, nil
	case err != nil:
		return nil, time.Time{}, err
	}
	return out, fromMS(newest), nil
}

// SetPromiseOrder links a promise to the order that made it.
func (tx *Tx) SetPromiseOrder(ctx context.Context, promiseID, orderID string) error {
	_, err := tx.exec(ctx, `UPDATE promises SET order_id = $1 WHERE id = $2`, orderID, promiseID)
	return err
}

// OrderPromiseID returns the id of the delivery promise an order made,
// or "" when it made none.
func (q q) OrderPromiseID(ctx context.Context, orderID string) (string, error) {
	var id string
	err := q.row(ctx, `SELECT id FROM promises WHERE order_id = $1 ORDER BY made_at DESC LIMIT 1`, orderID).Scan(&id)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return id, err
}
