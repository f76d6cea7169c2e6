package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/store"
)

type productBody struct {
	ETag string `header:"ETag"`
	Body order.Product
}

// ProductIn is a product being added.
type ProductIn struct {
	SKU       string      `json:"sku" maxLength:"64" example:"W-100" doc:"Unique"`
	Name      string      `json:"name" maxLength:"200" example:"Widget 100"`
	UnitPrice money.Money `json:"unit_price" doc:"What one costs the customer"`
	UnitCost  money.Money `json:"unit_cost" doc:"What one costs us, in the price's currency"`
	Category  string      `json:"category,omitempty" maxLength:"100"`
	Active    *bool       `json:"active,omitempty" doc:"Default true; an inactive product cannot be ordered"`
}

// OrderOut is an order as the API shows it: times that have not come are null.
type OrderOut struct {
	order.Order
	Status             string     `json:"status" enum:"placed,shipped,delivered,returned,cancelled"`
	PromisedDeliveryAt *time.Time `json:"promised_delivery_at" doc:"null when no delivery date was promised"`
	ShippedAt          *time.Time `json:"shipped_at"`
	DeliveredAt        *time.Time `json:"delivered_at"`
	ReturnedAt         *time.Time `json:"returned_at"`
	CancelledAt        *time.Time `json:"cancelled_at"`
	PromiseID          string     `json:"promise_id,omitempty" doc:"The delivery_date promise its promised date made"`
}

func orderOut(o order.Order) OrderOut {
	return OrderOut{Order: o, Status: string(o.Status), PromisedDeliveryAt: optTime(o.PromisedDeliveryAt), ShippedAt: optTime(o.ShippedAt),
		DeliveredAt: optTime(o.DeliveredAt), ReturnedAt: optTime(o.ReturnedAt), CancelledAt: optTime(o.CancelledAt)}
}

type orderBody struct {
	ETag string `header:"ETag"`
	Body OrderOut
}

// LineIn is one line of an order being recorded.
type LineIn struct {
	ProductID string       `json:"product_id" maxLength:"100"`
	Quantity  int64        `json:"quantity" example:"3" doc:"A whole number above zero"`
	UnitPrice *money.Money `json:"unit_price,omitempty" doc:"Default: the product's"`
	UnitCost  *money.Money `json:"unit_cost,omitempty" doc:"Default: the product's"`
}

// OrderIn is an order being recorded.
type OrderIn struct {
	AccountID          string     `json:"account_id" maxLength:"100"`
	OrderedAt          *time.Time `json:"ordered_at,omitempty" doc:"Default now"`
	Lines              []LineIn   `json:"lines" maxItems:"200"`
	PromisedDeliveryAt *time.Time `json:"promised_delivery_at,omitempty" doc:"Makes a delivery_date promise to the customer, due then"`
}

func (s *server) registerOrders(api huma.API) {
	tag := "Orders"
	register(api, op("list-products", http.MethodGet, "/api/v1/products", "Products by name", tag),
		func(ctx context.Context, in *struct {
			Active bool `query:"active" doc:"true: only the products that can be ordered"`
		}) (*struct{ Body List[order.Product] }, error) {
			list, err := s.app.Products(ctx, actor(ctx), in.Active)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[order.Product] }{}
			out.Body.Items = list
			if out.Body.Items == nil {
				out.Body.Items = []order.Product{}
			}
			return out, nil
		})

	register(api, op("create-product", http.MethodPost, "/api/v1/products", "Add a product (managers and admins)", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body ProductIn
		}) (*productBody, error) {
			b := in.Body
			p := order.Product{SKU: b.SKU, Name: b.Name, UnitPrice: b.UnitPrice, UnitCost: b.UnitCost, Category: b.Category, Active: b.Active == nil || *b.Active}
			p, err := s.app.CreateProduct(ctx, actor(ctx), p)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &productBody{ETag: etag(p.Version), Body: p}, nil
		})

	register(api, op("get-product", http.MethodGet, "/api/v1/products/{id}", "Get a product", tag),
		func(ctx context.Context, in *IDParam) (*productBody, error) {
			p, err := s.app.Product(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &productBody{ETag: etag(p.Version), Body: p}, nil
		})

	register(api, op("update-product", http.MethodPatch, "/api/v1/products/{id}",
		"Change a product (managers and admins); orders already recorded keep the prices they were placed at", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				SKU       *string      `json:"sku,omitempty" maxLength:"64"`
				Name      *string      `json:"name,omitempty" maxLength:"200"`
				UnitPrice *money.Money `json:"unit_price,omitempty"`
				UnitCost  *money.Money `json:"unit_cost,omitempty"`
				Category  *string      `json:"category,omitempty" maxLength:"100"`
				Active    *bool        `json:"active,omitempty"`
			}
		}) (*productBody, error) {
			b := in.Body
			p, err := s.app.UpdateProduct(ctx, actor(ctx), in.ID, app.ProductPatch{SKU: b.SKU, Name: b.Name, UnitPrice: b.UnitPrice,
				UnitCost: b.UnitCost, Category: b.Category, Active: b.Active}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &productBody{ETag: etag(p.Version), Body: p}, nil
		})

	register(api, op("list-orders", http.MethodGet, "/api/v1/orders", "Orders, newest first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID string    `query:"account_id" maxLength:"100"`
			Status    []string  `query:"status" enum:"placed,shipped,delivered,returned,cancelled" doc:"One or more statuses; default all"`
			After     time.Time `query:"ordered_after" doc:"Only those ordered at or after this moment (RFC 3339)"`
			Before    time.Time `query:"ordered_before" doc:"Only those ordered before this moment (RFC 3339)"`
		}) (*struct{ Body List[OrderOut] }, error) {
			f := store.OrderFilter{AccountID: in.AccountID, After: in.After, Before: in.Before}
			for _, st := range in.Status {
				f.Statuses = append(f.Statuses, order.Status(st))
			}
			list, next, err := s.app.Orders(ctx, actor(ctx), f, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[OrderOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]OrderOut, len(list)), next
			for i, o := range list {
				out.Body.Items[i] = orderOut(o)
			}
			return out, nil
		})

	register(api, op("record-order", http.MethodPost, "/api/v1/orders",
		"Record an order: lines priced from their products unless unit_price/unit_cost are given, all in one currency; "+
			"a promised_delivery_at makes a delivery_date promise, kept when delivered by then and broken when late or cancelled", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body OrderIn
		}) (*orderBody, error) {
			b := in.Body
			oi := app.OrderInput{AccountID: b.AccountID}
			if b.OrderedAt != nil {
				oi.OrderedAt = *b.OrderedAt
			}
			if b.PromisedDeliveryAt != nil {
				oi.PromisedDeliveryAt = *b.PromisedDeliveryAt
			}
			for _, l := range b.Lines {
				oi.Lines = append(oi.Lines, app.LineInput{ProductID: l.ProductID, Quantity: l.Quantity, UnitPrice: l.UnitPrice, UnitCost: l.UnitCost})
			}
			o, err := s.app.RecordOrder(ctx, actor(ctx), oi)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.orderBody(ctx, o)
		})

	register(api, op("get-order", http.MethodGet, "/api/v1/orders/{id}", "Get an order", tag),
		func(ctx context.Context, in *IDParam) (*orderBody, error) {
			o, err := s.app.Order(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.orderBody(ctx, o)
		})

	tr := op("transition-order", http.MethodPost, "/api/v1/orders/{id}/transitions",
		"Move an order: placed → shipped → delivered, returned (shipped or delivered), cancelled (not yet delivered). "+
			"Delivering keeps or breaks its delivery promise; cancelling breaks it", tag)
	tr.DefaultStatus = http.StatusOK
	register(api, tr, func(ctx context.Context, in *struct {
		IDParam
		Precondition
		Body struct {
			To string     `json:"to" enum:"shipped,delivered,returned,cancelled" example:"delivered"`
			At *time.Time `json:"at,omitempty" doc:"When it happened; default now"`
		}
	}) (*orderBody, error) {
		var at time.Time
		if in.Body.At != nil {
			at = *in.Body.At
		}
		o, err := s.app.TransitionOrder(ctx, actor(ctx), in.ID, order.Status(in.Body.To), at, ifMatch(in.IfMatch))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return s.orderBody(ctx, o)
	})
}

func (s *server) orderBody(ctx context.Context, o order.Order) (*orderBody, error) {
	out := orderOut(o)
	p, err := s.app.OrderPromise(ctx, actor(ctx), o.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if p != nil {
		out.PromiseID = p.ID
	}
	return &orderBody{ETag: etag(o.Version), Body: out}, nil
}
