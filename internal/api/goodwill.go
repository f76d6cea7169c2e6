package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/goodwill"
	"tandem/internal/money"
	"tandem/internal/promotion"
	"tandem/internal/store"
)

// GoodwillOut is compensation granted to save a relationship, or the
// request for it.
type GoodwillOut struct {
	ID            string         `json:"id"`
	AccountID     string         `json:"account_id"`
	PromiseID     *string        `json:"promise_id" doc:"The promise it makes up for; null when none"`
	CaseID        *string        `json:"case_id" doc:"The case it was granted in; null when none"`
	Kind          string         `json:"kind" enum:"credit,refund,gift,discount,rebate_top_up" example:"credit"`
	Amount        goodwill.Money `json:"amount"`
	Reason        string         `json:"reason" example:"late rebate"`
	RequestedByID string         `json:"requested_by_id"`
	RequestedAt   time.Time      `json:"requested_at"`
	Status        string         `json:"status" enum:"pending,approved,rejected" example:"approved"`
	WithinLimit   bool           `json:"within_limit" doc:"true: approved at once, within the requester's limit; nobody else decided it, so decided_by_id is null"`
	Limit         goodwill.Money `json:"limit" doc:"The requester's approval limit when it was requested"`
	DecidedByID   *string        `json:"decided_by_id" doc:"The manager who approved or rejected it; null while pending or when approved within the limit"`
	DecidedAt     *time.Time     `json:"decided_at" doc:"null while pending"`
	DecisionNote  string         `json:"decision_note"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	Version       int64          `json:"version"`
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func goodwillOut(g goodwill.Goodwill) GoodwillOut {
	return GoodwillOut{ID: g.ID, AccountID: g.AccountID, PromiseID: optStr(g.PromiseID), CaseID: optStr(g.CaseID), Kind: g.Kind, Amount: g.Amount,
		Reason: g.Reason, RequestedByID: g.RequestedByID, RequestedAt: g.RequestedAt, Status: string(g.Status), WithinLimit: g.WithinLimit,
		Limit: g.Limit, DecidedByID: optStr(g.DecidedByID), DecidedAt: optTime(g.DecidedAt), DecisionNote: g.DecisionNote,
		CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt, Version: g.Version}
}

type goodwillBody struct {
	ETag string `header:"ETag"`
	Body GoodwillOut
}

// MoneyIn is an amount as the API takes it: the one money type
// ({"amount_minor", "currency"}), its currency one of those Tandem knows.
type MoneyIn = money.Money

// LimitOut is one role's approval limit.
type LimitOut struct {
	Absolute goodwill.Money `json:"absolute" doc:"What the role may grant alone"`
	ShareBP  int64          `json:"share_bp" minimum:"0" maximum:"10000" example:"1000" doc:"Share of the account's margin over the last 12 months, in basis points (1000 is 10 %); the lower of the two applies once the margin is known"`
}

// LimitsOut are the approval limits per role.
type LimitsOut struct {
	Admin   LimitOut `json:"admin"`
	Manager LimitOut `json:"manager"`
	Sales   LimitOut `json:"sales"`
	Service LimitOut `json:"service"`
	Version int64    `json:"version" doc:"0 while the defaults apply"`
}

func limitsOut(ls goodwill.Limits, v int64) LimitsOut {
	o := func(r access.Role) LimitOut { return LimitOut{Absolute: ls[r].Absolute, ShareBP: ls[r].ShareBP} }
	return LimitsOut{Admin: o(access.Admin), Manager: o(access.Manager), Sales: o(access.Sales), Service: o(access.Service), Version: v}
}

// PromotionOut is a promotion and the promise it implies.
type PromotionOut struct {
	ID          string    `json:"id"`
	Name        string    `json:"name" example:"Year's supply rebate"`
	Terms       string    `json:"terms" example:"Buy a year's supply at once and get 8 % back"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at" doc:"Exclusive"`
	PromiseKind string    `json:"promise_kind" enum:"delivery_date,rebate,discount,callback,service_level,feature,other," example:"rebate" doc:"The kind of promise it implies; empty when none"`
	PromiseDays int       `json:"promise_days" example:"56" doc:"The window in days in which that promise is kept (a rebate paid within 56 days)"`
	Active      bool      `json:"active"`
	Tiers       []string  `json:"tiers" doc:"The account tiers it is for; empty: every account"`
	Running     bool      `json:"running" doc:"Active, and now between starts_at and ends_at"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

func promotionOut(p promotion.Promotion, now time.Time) PromotionOut {
	return PromotionOut{ID: p.ID, Name: p.Name, Terms: p.Terms, StartsAt: p.StartsAt, EndsAt: p.EndsAt, PromiseKind: p.PromiseKind,
		PromiseDays: p.PromiseDays, Active: p.Active, Tiers: nonNil(p.Tiers), Running: p.RunningAt(now), CreatedAt: p.CreatedAt,
		UpdatedAt: p.UpdatedAt, Version: p.Version}
}

type promotionBody struct {
	ETag string `header:"ETag"`
	Body PromotionOut
}

func (s *server) registerGoodwill(api huma.API) {
	tag := "Goodwill"
	register(api, op("list-goodwill", http.MethodGet, "/api/v1/goodwill", "Goodwill granted and requested, newest first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID     string `query:"account_id"`
			RequestedByID string `query:"requested_by_id"`
			Status        string `query:"status" enum:"pending,approved,rejected," doc:"pending: the approval queue"`
		}) (*struct{ Body List[GoodwillOut] }, error) {
			list, next, err := s.app.GoodwillList(ctx, actor(ctx), store.GoodwillFilter{AccountID: in.AccountID, RequestedByID: in.RequestedByID,
				Status: goodwill.Status(in.Status)}, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[GoodwillOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]GoodwillOut, len(list)), next
			for i, g := range list {
				out.Body.Items[i] = goodwillOut(g)
			}
			return out, nil
		})

	register(api, op("request-goodwill", http.MethodPost, "/api/v1/goodwill",
		"Grant goodwill: approved at once within the caller's approval limit (the limit itself included), otherwise pending until a manager decides", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				AccountID string  `json:"account_id"`
				Kind      string  `json:"kind" enum:"credit,refund,gift,discount,rebate_top_up" example:"credit"`
				Amount    MoneyIn `json:"amount"`
				Reason    string  `json:"reason" maxLength:"2000" example:"late rebate"`
				PromiseID string  `json:"promise_id,omitempty" maxLength:"100" doc:"The promise it makes up for"`
				CaseID    string  `json:"case_id,omitempty" maxLength:"100" doc:"The case of the same account it was granted in"`
			}
		}) (*goodwillBody, error) {
			b := in.Body
			g, err := s.app.RequestGoodwill(ctx, actor(ctx), goodwill.Goodwill{AccountID: b.AccountID, Kind: b.Kind,
				Amount: b.Amount, Reason: b.Reason, PromiseID: b.PromiseID, CaseID: b.CaseID})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &goodwillBody{ETag: etag(g.Version), Body: goodwillOut(g)}, nil
		})

	register(api, op("get-goodwill", http.MethodGet, "/api/v1/goodwill/{id}", "Get one grant or request of goodwill", tag),
		func(ctx context.Context, in *IDParam) (*goodwillBody, error) {
			g, err := s.app.Goodwill(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &goodwillBody{ETag: etag(g.Version), Body: goodwillOut(g)}, nil
		})

	for _, d := range []struct {
		id, verb, summary string
		approve           bool
	}{
		{"approve-goodwill", "approve", "Approve a pending request (managers); nobody approves their own. The requester is told", true},
		{"reject-goodwill", "reject", "Reject a pending request with a note saying why (managers); nobody rejects their own. The requester is told", false},
	} {
		o := op(d.id, http.MethodPost, "/api/v1/goodwill/{id}/"+d.verb, d.summary, tag)
		o.DefaultStatus = http.StatusOK
		approve := d.approve
		register(api, o, func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Note string `json:"note,omitempty" maxLength:"2000" text:"multiline" doc:"Required to reject: the requester reads it"`
			}
		}) (*goodwillBody, error) {
			g, err := s.app.DecideGoodwill(ctx, actor(ctx), in.ID, goodwill.Decision{Approve: approve, Note: in.Body.Note}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &goodwillBody{ETag: etag(g.Version), Body: goodwillOut(g)}, nil
		})
	}

	register(api, op("goodwill-report", http.MethodGet, "/api/v1/goodwill-report", "The goodwill approved in a period by kind, reason, person and account (managers)", tag),
		func(ctx context.Context, in *struct {
			From time.Time `query:"from" doc:"RFC 3339; default 90 days before to"`
			To   time.Time `query:"to" doc:"RFC 3339; default now"`
		}) (*struct{ Body app.GoodwillReport }, error) {
			from := in.From
			if from.IsZero() {
				to := in.To
				if to.IsZero() {
					to = s.app.Now()
				}
				from = to.AddDate(0, 0, -90)
			}
			r, err := s.app.GoodwillReport(ctx, actor(ctx), from, in.To)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct{ Body app.GoodwillReport }{Body: r}, nil
		})

	register(api, op("get-goodwill-limits", http.MethodGet, "/api/v1/goodwill-limits", "The approval limits per role", tag),
		func(ctx context.Context, _ *struct{}) (*struct {
			ETag string `header:"ETag"`
			Body LimitsOut
		}, error) {
			ls, v, err := s.app.GoodwillLimits(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body LimitsOut
			}{ETag: etag(v), Body: limitsOut(ls, v)}, nil
		})
	put := op("set-goodwill-limits", http.MethodPut, "/api/v1/goodwill-limits", "Replace the approval limits per role (admins)", tag)
	put.Metadata = map[string]any{needAdmin: true}
	register(api, put, func(ctx context.Context, in *struct {
		Precondition
		Body struct {
			Admin   LimitOut `json:"admin"`
			Manager LimitOut `json:"manager"`
			Sales   LimitOut `json:"sales"`
			Service LimitOut `json:"service"`
		}
	}) (*struct {
		ETag string `header:"ETag"`
		Body LimitsOut
	}, error) {
		b := in.Body
		l := func(o LimitOut) goodwill.Limit { return goodwill.Limit{Absolute: o.Absolute, ShareBP: o.ShareBP} }
		ls := goodwill.Limits{access.Admin: l(b.Admin), access.Manager: l(b.Manager), access.Sales: l(b.Sales), access.Service: l(b.Service)}
		ls, v, err := s.app.SaveGoodwillLimits(ctx, actor(ctx), ls, settingVersion(in.IfMatch))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct {
			ETag string `header:"ETag"`
			Body LimitsOut
		}{ETag: etag(v), Body: limitsOut(ls, v)}, nil
	})
}

func (s *server) registerPromotions(api huma.API) {
	tag := "Promotions"
	register(api, op("list-promotions", http.MethodGet, "/api/v1/promotions", "Promotions, the latest to start first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			Running bool `query:"running" doc:"Only those running now"`
		}) (*struct{ Body List[PromotionOut] }, error) {
			list, next, err := s.app.Promotions(ctx, actor(ctx), in.Running, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			now := s.app.Now()
			out := &struct{ Body List[PromotionOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]PromotionOut, len(list)), next
			for i, p := range list {
				out.Body.Items[i] = promotionOut(p, now)
			}
			return out, nil
		})
	register(api, op("create-promotion", http.MethodPost, "/api/v1/promotions", "Add a promotion (managers)", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				Name        string    `json:"name" maxLength:"200" example:"Year's supply rebate"`
				Terms       string    `json:"terms" maxLength:"5000" text:"multiline"`
				StartsAt    time.Time `json:"starts_at"`
				EndsAt      time.Time `json:"ends_at"`
				PromiseKind string    `json:"promise_kind,omitempty" enum:"delivery_date,rebate,discount,callback,service_level,feature,other," example:"rebate"`
				PromiseDays int       `json:"promise_days,omitempty" example:"56"`
				Active      *bool     `json:"active,omitempty" doc:"Default true"`
				Tiers       []string  `json:"tiers,omitempty" maxItems:"4" doc:"Only accounts of these tiers; default every account"`
			}
		}) (*promotionBody, error) {
			b := in.Body
			active := b.Active == nil || *b.Active
			p, err := s.app.CreatePromotion(ctx, actor(ctx), promotion.Promotion{Name: b.Name, Terms: b.Terms, StartsAt: b.StartsAt, EndsAt: b.EndsAt,
				PromiseKind: b.PromiseKind, PromiseDays: b.PromiseDays, Active: active, Tiers: b.Tiers})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &promotionBody{ETag: etag(p.Version), Body: promotionOut(p, s.app.Now())}, nil
		})
	register(api, op("get-promotion", http.MethodGet, "/api/v1/promotions/{id}", "Get a promotion", tag),
		func(ctx context.Context, in *IDParam) (*promotionBody, error) {
			p, err := s.app.Promotion(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &promotionBody{ETag: etag(p.Version), Body: promotionOut(p, s.app.Now())}, nil
		})
	register(api, op("update-promotion", http.MethodPatch, "/api/v1/promotions/{id}", "Change a promotion (managers)", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Name        *string    `json:"name,omitempty" maxLength:"200"`
				Terms       *string    `json:"terms,omitempty" maxLength:"5000" text:"multiline"`
				StartsAt    *time.Time `json:"starts_at,omitempty"`
				EndsAt      *time.Time `json:"ends_at,omitempty"`
				PromiseKind *string    `json:"promise_kind,omitempty" enum:"delivery_date,rebate,discount,callback,service_level,feature,other,"`
				PromiseDays *int       `json:"promise_days,omitempty"`
				Active      *bool      `json:"active,omitempty"`
				Tiers       *[]string  `json:"tiers,omitempty"`
			}
		}) (*promotionBody, error) {
			b := in.Body
			p, err := s.app.UpdatePromotion(ctx, actor(ctx), in.ID, app.PromotionPatch{Name: b.Name, Terms: b.Terms, StartsAt: b.StartsAt, EndsAt: b.EndsAt,
				PromiseKind: b.PromiseKind, PromiseDays: b.PromiseDays, Active: b.Active, Tiers: b.Tiers}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &promotionBody{ETag: etag(p.Version), Body: promotionOut(p, s.app.Now())}, nil
		})
}
