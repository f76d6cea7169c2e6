package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/deal"
	"tandem/internal/fault"
	"tandem/internal/goodwill"
	"tandem/internal/store"
)

// DealOut is a sales opportunity at an account.
type DealOut struct {
	ID            string         `json:"id"`
	AccountID     string         `json:"account_id"`
	OwnerID       string         `json:"owner_id" doc:"The salesperson who works it; by default the account's owner"`
	Title         string         `json:"title" example:"Renewal 2027"`
	Amount        goodwill.Money `json:"amount"`
	Stage         string         `json:"stage" example:"negotiate" doc:"A stage of the pipeline (GET /api/v1/pipeline); by default qualify, propose, negotiate, won or lost. won and lost are final"`
	Probability   int            `json:"probability" example:"60" doc:"The stage's probability in percent"`
	ExpectedClose *string        `json:"expected_close" example:"2026-06-30" doc:"The day it is expected to close; null when unknown"`
	Slipping      bool           `json:"slipping" doc:"Open and past its expected close"`
	Source        string         `json:"source" enum:"new,referral,renewal,service_follow_up,other" example:"service_follow_up"`
	CaseID        *string        `json:"case_id" doc:"The case it came from; null when none"`
	InteractionID *string        `json:"interaction_id" doc:"The interaction it came from; null when none"`
	CreatedByID   *string        `json:"created_by_id" doc:"Who started it: for a service follow-up, the agent"`
	LostReason    string         `json:"lost_reason" example:"price"`
	LostTo        string         `json:"lost_to" example:"Globex" doc:"The competitor it was lost to"`
	WonAt         *time.Time     `json:"won_at"`
	LostAt        *time.Time     `json:"lost_at"`
	CreatedAt     time.Time      `json:"created_at"`
	UpdatedAt     time.Time      `json:"updated_at"`
	Version       int64          `json:"version"`
}

func dealOut(d deal.Deal, p deal.Pipeline, today time.Time) DealOut {
	st, _ := p.Stage(d.Stage)
	var expected *string
	if !d.ExpectedClose.IsZero() {
		s := d.ExpectedClose.Format(time.DateOnly)
		expected = &s
	}
	return DealOut{ID: d.ID, AccountID: d.AccountID, OwnerID: d.OwnerID, Title: d.Title, Amount: goodwill.Money(d.Amount), Stage: d.Stage, Probability: st.Probability,
		ExpectedClose: expected, Slipping: d.Slipping(today), Source: d.Source, CaseID: optStr(d.CaseID), InteractionID: optStr(d.InteractionID),
		CreatedByID: optStr(d.CreatedByID), LostReason: d.LostReason, LostTo: d.LostTo, WonAt: optTime(d.WonAt), LostAt: optTime(d.LostAt),
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version}
}

type dealBody struct {
	ETag string `header:"ETag"`
	Body DealOut
}

// parseDay reads a YYYY-MM-DD day; empty is the zero time.
func parseDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, (&fault.Fields{{Field: field, Message: "give a day as YYYY-MM-DD, such as 2026-06-30"}}).Err()
	}
	return t, nil
}

// PipelineOut is the pipeline's stages.
type PipelineOut struct {
	Stages  []deal.Stage `json:"stages"`
	Version int64        `json:"version" doc:"0 while the defaults apply"`
}

type pipelineBody struct {
	ETag string `header:"ETag"`
	Body PipelineOut
}

func (s *server) dealBody(ctx context.Context, d deal.Deal) (*dealBody, error) {
	p, _, err := s.app.Pipeline(ctx, actor(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &dealBody{ETag: etag(d.Version), Body: dealOut(d, p, today(s.app.Now()))}, nil
}

func today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *server) registerDeals(api huma.API) {
	tag := "Deals"
	register(api, op("list-deals", http.MethodGet, "/api/v1/deals", "Deals, newest first unless sorted", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID string `query:"account_id"`
			OwnerID   string `query:"owner_id"`
			Stage     string `query:"stage" maxLength:"40" example:"negotiate"`
			Source    string `query:"source" enum:"new,referral,renewal,service_follow_up,other,"`
			Open      bool   `query:"open" doc:"Only deals not yet won or lost"`
			Sort      string `query:"sort" enum:"expected_close,amount," doc:"expected_close: the soonest first; amount: the largest first; default the newest first"`
		}) (*struct{ Body List[DealOut] }, error) {
			list, next, err := s.app.Deals(ctx, actor(ctx), store.DealFilter{AccountID: in.AccountID, OwnerID: in.OwnerID, Stage: in.Stage,
				Source: in.Source, OpenOnly: in.Open, Sort: in.Sort}, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			p, _, err := s.app.Pipeline(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			t := today(s.app.Now())
			out := &struct{ Body List[DealOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]DealOut, len(list)), next
			for i, d := range list {
				out.Body.Items[i] = dealOut(d, p, t)
			}
			return out, nil
		})

	register(api, op("create-deal", http.MethodPost, "/api/v1/deals",
		"Start a deal. Sales start their own; managers anyone's; service starts service follow-ups from a case or an interaction, "+
			"always for the account's owner, who is told (next_sale)", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				AccountID     string  `json:"account_id"`
				Title         string  `json:"title" maxLength:"200" example:"Renewal 2027"`
				Amount        MoneyIn `json:"amount"`
				Stage         string  `json:"stage,omitempty" maxLength:"40" example:"qualify" doc:"An open stage; default the first"`
				ExpectedClose string  `json:"expected_close,omitempty" maxLength:"10" example:"2026-06-30" doc:"YYYY-MM-DD"`
				Source        string  `json:"source,omitempty" enum:"new,referral,renewal,service_follow_up,other," example:"new" doc:"Default new"`
				OwnerID       string  `json:"owner_id,omitempty" maxLength:"100" doc:"Default the account's owner (for sales: themselves)"`
				CaseID        string  `json:"case_id,omitempty" maxLength:"100" doc:"The case of the same account it came from"`
				InteractionID string  `json:"interaction_id,omitempty" maxLength:"100" doc:"The interaction of the same account it came from"`
			}
		}) (*dealBody, error) {
			b := in.Body
			day, err := parseDay("expected_close", b.ExpectedClose)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			d, err := s.app.CreateDeal(ctx, actor(ctx), deal.Deal{AccountID: b.AccountID, Title: b.Title,
				Amount: b.Amount, Stage: b.Stage, ExpectedClose: day,
				Source: b.Source, OwnerID: b.OwnerID, CaseID: b.CaseID, InteractionID: b.InteractionID})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.dealBody(ctx, d)
		})

	register(api, op("get-deal", http.MethodGet, "/api/v1/deals/{id}", "Get a deal", tag),
		func(ctx context.Context, in *IDParam) (*dealBody, error) {
			d, err := s.app.Deal(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.dealBody(ctx, d)
		})

	register(api, op("update-deal", http.MethodPatch, "/api/v1/deals/{id}", "Change an open deal (its owner, managers); only managers give it to someone else", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Title         *string  `json:"title,omitempty" maxLength:"200"`
				Amount        *MoneyIn `json:"amount,omitempty"`
				ExpectedClose *string  `json:"expected_close,omitempty" maxLength:"10" example:"2026-06-30" doc:"YYYY-MM-DD; empty clears it"`
				Source        *string  `json:"source,omitempty" enum:"new,referral,renewal,service_follow_up,other"`
				OwnerID       *string  `json:"owner_id,omitempty" maxLength:"100"`
			}
		}) (*dealBody, error) {
			b := in.Body
			patch := app.DealPatch{Title: b.Title, Source: b.Source, OwnerID: b.OwnerID}
			if b.Amount != nil {
				patch.Amount = b.Amount
			}
			if b.ExpectedClose != nil {
				day, err := parseDay("expected_close", *b.ExpectedClose)
				if err != nil {
					return nil, s.problem(ctx, err)
				}
				patch.ExpectedClose = &day
			}
			d, err := s.app.UpdateDeal(ctx, actor(ctx), in.ID, patch, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.dealBody(ctx, d)
		})

	move := op("move-deal", http.MethodPost, "/api/v1/deals/{id}/transitions",
		"Move a deal to another stage (its owner, managers). won and lost are final; lost needs lost_reason and may name lost_to", tag)
	move.DefaultStatus = http.StatusOK
	register(api, move, func(ctx context.Context, in *struct {
		IDParam
		Precondition
		Body struct {
			To         string `json:"to" maxLength:"40" example:"won" doc:"A stage of the pipeline"`
			LostReason string `json:"lost_reason,omitempty" maxLength:"500" example:"price" doc:"Required to lose it"`
			LostTo     string `json:"lost_to,omitempty" maxLength:"200" example:"Globex" doc:"The competitor it was lost to"`
		}
	}) (*dealBody, error) {
		b := in.Body
		d, err := s.app.MoveDeal(ctx, actor(ctx), in.ID, deal.Transition{To: b.To, LostReason: b.LostReason, LostTo: b.LostTo}, ifMatch(in.IfMatch))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return s.dealBody(ctx, d)
	})

	register(api, op("get-pipeline", http.MethodGet, "/api/v1/pipeline", "The pipeline's stages and their probabilities", tag),
		func(ctx context.Context, _ *struct{}) (*pipelineBody, error) {
			p, v, err := s.app.Pipeline(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &pipelineBody{ETag: etag(v), Body: PipelineOut{Stages: p.Stages, Version: v}}, nil
		})
	register(api, op("set-pipeline", http.MethodPut, "/api/v1/pipeline",
		"Replace the pipeline's stages (managers): open stages in order, then won (100 %) and lost (0 %)", tag),
		func(ctx context.Context, in *struct {
			Precondition
			Body struct {
				Stages []deal.Stage `json:"stages" maxItems:"20"`
			}
		}) (*pipelineBody, error) {
			p, v, err := s.app.SavePipeline(ctx, actor(ctx), deal.Pipeline{Stages: in.Body.Stages}, settingVersion(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &pipelineBody{ETag: etag(v), Body: PipelineOut{Stages: p.Stages, Version: v}}, nil
		})
}
