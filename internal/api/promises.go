package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// PromiseOut is a promise as the API shows it: times that have not come
// are null.
type PromiseOut struct {
	promise.Promise
	Kind           string                  `json:"kind" enum:"delivery_date,rebate,discount,callback,service_level,feature,other"`
	Status         string                  `json:"status" enum:"open,overdue,kept,broken,cancelled"`
	Amount         *promise.Money          `json:"amount" doc:"null when nothing countable was promised"`
	OverdueAt      *time.Time              `json:"overdue_at" doc:"When it went overdue; null if it never did"`
	KeptAt         *time.Time              `json:"kept_at" doc:"null until kept"`
	BrokenAt       *time.Time              `json:"broken_at" doc:"null unless broken"`
	CancelledAt    *time.Time              `json:"cancelled_at" doc:"null unless cancelled"`
	PolicyWarnings []promise.PolicyWarning `json:"policy_warnings" doc:"The service policies it went against, acknowledged by its maker"`
	Team           string                  `json:"team" enum:"sales,service" doc:"The team its maker spoke for"`
}

func promiseOut(p promise.Promise) PromiseOut {
	w := p.PolicyWarnings
	if w == nil {
		w = []promise.PolicyWarning{}
	}
	return PromiseOut{Promise: p, Kind: string(p.Kind), Status: string(p.Status), Amount: p.Amount, OverdueAt: optTime(p.OverdueAt),
		KeptAt: optTime(p.KeptAt), BrokenAt: optTime(p.BrokenAt), CancelledAt: optTime(p.CancelledAt), PolicyWarnings: w, Team: p.Team}
}

type promiseBody struct {
	ETag string `header:"ETag"`
	Body PromiseOut
}

// PromiseIn is a promise being made.
type PromiseIn struct {
	AccountID       string         `json:"account_id" doc:"The customer it was made to"`
	ContactID       string         `json:"contact_id,omitempty" doc:"The person at the customer it was made to; one of the account's contacts"`
	CaseID          string         `json:"case_id,omitempty" doc:"The case it was made in, if any; one of the account's cases"`
	Kind            string         `json:"kind" enum:"delivery_date,rebate,discount,callback,service_level,feature,other" example:"rebate"`
	Description     string         `json:"description" maxLength:"2000" text:"multiline" example:"Your year's-supply rebate of €1,200 is paid by Thursday" doc:"What was promised, in the words said to the customer"`
	Amount          *promise.Money `json:"amount,omitempty" doc:"What it is worth, when it is money: minor units and an ISO 4217 code"`
	DueAt           time.Time      `json:"due_at" example:"2026-12-03T17:00:00Z" doc:"By when it was promised (RFC 3339); a time already past needs backdated_reason"`
	Acknowledgement string         `json:"acknowledgement,omitempty" maxLength:"2000" text:"multiline" doc:"Why it is made although it goes against a warn policy; kept on the timeline"`
	BackdatedReason string         `json:"backdated_reason,omitempty" maxLength:"2000" text:"multiline" doc:"Required when due_at has passed: why it is written down only now"`
	PromotionID     string         `json:"promotion_id,omitempty" doc:"The promotion the promise comes from, if any"`
	ExceptionReason string         `json:"exception_reason,omitempty" maxLength:"2000" text:"multiline" example:"Agreed with the sales director to keep the renewal" doc:"Managers only: records a promise a block policy refuses as an exception to it, with this reason (on the timeline, counted in the measures). Ignored when no block policy applies"`
}

func (in PromiseIn) promise() promise.Promise {
	return promise.Promise{AccountID: in.AccountID, ContactID: in.ContactID, CaseID: in.CaseID, Kind: promise.Kind(in.Kind),
		Description: in.Description, Amount: in.Amount, DueAt: in.DueAt, Acknowledgement: in.Acknowledgement, BackdatedReason: in.BackdatedReason,
		PromotionID: in.PromotionID, ExceptionReason: in.ExceptionReason}
}

// ReplacementIn is the promise that replaces a cancelled one; what it
// leaves out (kind, contact, case) it takes from the promise it replaces.
type ReplacementIn struct {
	Kind            string         `json:"kind,omitempty" enum:"delivery_date,rebate,discount,callback,service_level,feature,other" doc:"Defaults to the cancelled promise's"`
	Description     string         `json:"description" maxLength:"2000" text:"multiline"`
	Amount          *promise.Money `json:"amount,omitempty"`
	DueAt           time.Time      `json:"due_at"`
	ContactID       string         `json:"contact_id,omitempty"`
	CaseID          string         `json:"case_id,omitempty"`
	Acknowledgement string         `json:"acknowledgement,omitempty" maxLength:"2000" text:"multiline"`
}

func (s *server) registerPromises(api huma.API) {
	tag := "Promises"
	register(api, op("list-promises", http.MethodGet, "/api/v1/promises", "Promises by due time, the overdue first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID   string    `query:"account_id"`
			MadeByID    string    `query:"made_by_id"`
			CaseID      string    `query:"case_id"`
			Status      []string  `query:"status" enum:"open,overdue,kept,broken,cancelled" doc:"One or more statuses; default all"`
			DueAfter    time.Time `query:"due_after" doc:"Only those due at or after this moment (RFC 3339)"`
			DueBefore   time.Time `query:"due_before" doc:"Only those due before this moment (RFC 3339)"`
			Team        string    `query:"team" enum:"sales,service" doc:"Only those made for this team"`
			PromotionID string    `query:"promotion_id" doc:"Only those that cite this promotion"`
			KeptLate    string    `query:"kept_late" enum:"true,false" doc:"true: only those kept after their due time; false: only those kept by it"`
			Exception   bool      `query:"exception" doc:"Only those recorded as exceptions to a block policy"`
		}) (*struct{ Body List[PromiseOut] }, error) {
			f := store.PromiseFilter{AccountID: in.AccountID, MadeByID: in.MadeByID, CaseID: in.CaseID, DueAfter: in.DueAfter, DueBefore: in.DueBefore,
				Team: in.Team, PromotionID: in.PromotionID, Exception: in.Exception}
			if in.KeptLate != "" {
				late := in.KeptLate == "true"
				f.KeptLate = &late
			}
			for _, st := range in.Status {
				f.Statuses = append(f.Statuses, promise.Status(st))
			}
			list, next, err := s.app.Promises(ctx, actor(ctx), f, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[PromiseOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]PromiseOut, len(list)), next
			for i, p := range list {
				out.Body.Items[i] = promiseOut(p)
			}
			return out, nil
		})

	register(api, op("make-promise", http.MethodPost, "/api/v1/promises",
		"Record a promise made to a customer. A block policy it goes against refuses it (409 naming the policy and quoting its statement); "+
			"warn policies refuse it (409 listing them) unless acknowledgement is given, and then it keeps them as policy_warnings", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body PromiseIn
		}) (*promiseBody, error) {
			p, err := s.app.MakePromise(ctx, actor(ctx), in.Body.promise())
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &promiseBody{ETag: etag(p.Version), Body: promiseOut(p)}, nil
		})

	register(api, op("get-promise", http.MethodGet, "/api/v1/promises/{id}", "Get a promise", tag),
		func(ctx context.Context, in *IDParam) (*promiseBody, error) {
			p, err := s.app.Promise(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &promiseBody{ETag: etag(p.Version), Body: promiseOut(p)}, nil
		})

	register(api, op("update-promise", http.MethodPatch, "/api/v1/promises/{id}",
		"Correct a promise still to be kept: its words, amount or due time (its maker or a manager). An overdue promise keeps its due time: "+
			"cancel it with the customer's consent and give a replacement", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Description     *string        `json:"description,omitempty" maxLength:"2000" text:"multiline"`
				Amount          *promise.Money `json:"amount,omitempty"`
				RemoveAmount    bool           `json:"remove_amount,omitempty" doc:"true: the promise no longer has an amount"`
				DueAt           *time.Time     `json:"due_at,omitempty"`
				ContactID       *string        `json:"contact_id,omitempty"`
				CaseID          *string        `json:"case_id,omitempty"`
				Acknowledgement *string        `json:"acknowledgement,omitempty" maxLength:"2000" text:"multiline"`
				BackdatedReason *string        `json:"backdated_reason,omitempty" maxLength:"2000" text:"multiline"`
				PromotionID     *string        `json:"promotion_id,omitempty" doc:"The promotion it comes from; empty: none"`
				ExceptionReason *string        `json:"exception_reason,omitempty" maxLength:"2000" text:"multiline" doc:"Managers only: the reason for an exception to a block policy"`
			}
		}) (*promiseBody, error) {
			b := in.Body
			patch := app.PromisePatch{Description: b.Description, DueAt: b.DueAt, ContactID: b.ContactID, CaseID: b.CaseID,
				Acknowledgement: b.Acknowledgement, BackdatedReason: b.BackdatedReason, PromotionID: b.PromotionID, ExceptionReason: b.ExceptionReason}
			if b.Amount != nil || b.RemoveAmount {
				amount := b.Amount
				if b.RemoveAmount {
					amount = nil
				}
				patch.Amount = &amount
			}
			p, err := s.app.UpdatePromise(ctx, actor(ctx), in.ID, patch, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &promiseBody{ETag: etag(p.Version), Body: promiseOut(p)}, nil
		})

	tr := op("transition-promise", http.MethodPost, "/api/v1/promises/{id}/transitions",
		"Keep a promise (anyone who may make one), break it (with the reason) or cancel it (renegotiated with the customer's consent; "+
			"its maker or a manager), optionally with a replacement made in the same step. Kept, broken and cancelled are final", tag)
	tr.DefaultStatus = http.StatusOK
	register(api, tr, func(ctx context.Context, in *struct {
		IDParam
		Precondition
		Body struct {
			To          string         `json:"to" enum:"kept,broken,cancelled" example:"kept"`
			Evidence    string         `json:"evidence,omitempty" maxLength:"2000" text:"multiline" doc:"When kept: how (a credit note, the call)"`
			Reason      string         `json:"reason,omitempty" maxLength:"2000" text:"multiline" doc:"Required to break or cancel"`
			Replacement *ReplacementIn `json:"replacement,omitempty" doc:"When cancelled: the promise agreed instead; it names this one in replaces_id"`
		}
	}) (*struct {
		ETag string `header:"ETag"`
		Body struct {
			PromiseOut
			ReplacedBy *PromiseOut `json:"replaced_by,omitempty" doc:"The replacement made with a cancellation"`
		}
	}, error) {
		b := in.Body
		var repl *promise.Promise
		if r := b.Replacement; r != nil {
			repl = &promise.Promise{Kind: promise.Kind(r.Kind), Description: r.Description, Amount: r.Amount, DueAt: r.DueAt,
				ContactID: r.ContactID, CaseID: r.CaseID, Acknowledgement: r.Acknowledgement}
		}
		p, made, err := s.app.TransitionPromise(ctx, actor(ctx), in.ID, promise.Transition{To: promise.Status(b.To), Evidence: b.Evidence, Reason: b.Reason},
			repl, ifMatch(in.IfMatch))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct {
			ETag string `header:"ETag"`
			Body struct {
				PromiseOut
				ReplacedBy *PromiseOut `json:"replaced_by,omitempty" doc:"The replacement made with a cancellation"`
			}
		}{ETag: etag(p.Version)}
		out.Body.PromiseOut = promiseOut(p)
		if made != nil {
			r := promiseOut(*made)
			out.Body.ReplacedBy = &r
		}
		return out, nil
	})
}

// PromiseMeasuresOut are the promise measures of a period.
type PromiseMeasuresOut struct {
	app.PromiseMeasures
	Overdue    []PromiseOut `json:"overdue" doc:"Promises due in the period and overdue now, soonest due first; at most 50 (total.overdue counts them all)"`
	Broken     []PromiseOut `json:"broken" doc:"Promises due in the period and broken, with their broken_reason; at most 50"`
	Exceptions []PromiseOut `json:"exceptions" doc:"Promises due in the period recorded as exceptions to a block policy, with exception_reason; at most 50"`
}

func (s *server) registerPromiseMeasures(api huma.API) {
	register(api, op("promise-measures", http.MethodGet, "/api/v1/promise-measures",
		"Promise-keeping measures of a period (managers): a promise counts in the period its due_at falls in; the rate is kept on time "+
			"(kept_at ≤ due_at) over those due, cancelled ones left out. Per person, team and account; the overdue, the broken with their "+
			"reasons, the exceptions to block policies; goodwill by reason", "Promises"),
		func(ctx context.Context, in *struct {
			From time.Time `query:"from" required:"true" example:"2026-11-01T00:00:00Z" doc:"Start of the period, inclusive (RFC 3339)"`
			To   time.Time `query:"to" required:"true" example:"2026-12-01T00:00:00Z" doc:"End of the period, exclusive (RFC 3339); at most 5 years after from"`
		}) (*struct{ Body PromiseMeasuresOut }, error) {
			m, err := s.app.PromiseMeasures(ctx, actor(ctx), in.From, in.To)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			outs := func(list []promise.Promise) []PromiseOut {
				o := make([]PromiseOut, len(list))
				for i, p := range list {
					o[i] = promiseOut(p)
				}
				return o
			}
			for _, l := range []*[]app.PromiseRate{&m.ByPerson, &m.ByTeam, &m.ByAccount} {
				if *l == nil {
					*l = []app.PromiseRate{}
				}
			}
			if m.Goodwill == nil {
				m.Goodwill = []app.GoodwillTotal{}
			}
			return &struct{ Body PromiseMeasuresOut }{Body: PromiseMeasuresOut{PromiseMeasures: m, Overdue: outs(m.Overdue),
				Broken: outs(m.Broken), Exceptions: outs(m.Exceptions)}}, nil
		})
}

// GraceOut is the grace period of each kind of promise, in days.
type GraceOut struct {
	Days    map[string]int `json:"days" example:"{\"callback\":1,\"rebate\":14}" doc:"Per kind of promise: the days an overdue promise may still be kept before it counts as broken"`
	Version int64          `json:"version" doc:"0 until first saved"`
}

func graceOut(g app.GraceSetting) GraceOut {
	out := GraceOut{Days: map[string]int{}, Version: g.Version}
	for k, d := range g.Days {
		out.Days[string(k)] = d
	}
	return out
}

type graceBody struct {
	ETag string `header:"ETag"`
	Body GraceOut
}

func (s *server) registerPromiseGrace(api huma.API) {
	tag := "Promises"
	register(api, op("get-promise-grace", http.MethodGet, "/api/v1/promise-grace", "The grace period of each kind of promise, in days", tag),
		func(ctx context.Context, _ *struct{}) (*graceBody, error) {
			g, err := s.app.PromiseGrace(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &graceBody{ETag: etag(g.Version), Body: graceOut(g)}, nil
		})
	register(api, op("set-promise-grace", http.MethodPut, "/api/v1/promise-grace",
		"Set the grace periods of some kinds of promise, in days from 0 to 365 (managers); the kinds left out keep theirs. "+
			"Promises already overdue follow the new periods at their next check", tag),
		func(ctx context.Context, in *struct {
			Precondition
			Body struct {
				Days map[string]int `json:"days" example:"{\"callback\":2}" doc:"Per kind of promise, days from 0 to 365"`
			}
		}) (*graceBody, error) {
			days := map[promise.Kind]int{}
			for k, d := range in.Body.Days {
				days[promise.Kind(k)] = d
			}
			g, err := s.app.SavePromiseGrace(ctx, actor(ctx), days, settingVersion(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &graceBody{ETag: etag(g.Version), Body: graceOut(g)}, nil
		})
}
