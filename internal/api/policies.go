package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/rules"
)

func init() {
	tags = append(tags, &huma.Tag{Name: "Policies", Description: "Service policies: the rules service lives by, checked against every promise when it is made"})
}

// ServicePolicyOut is a service policy; effective_to is null when it is
// open-ended.
type ServicePolicyOut struct {
	ID            string     `json:"id"`
	Name          string     `json:"name" example:"Rebate payment window"`
	Statement     string     `json:"statement" example:"Rebates are paid 6–8 weeks after the claim" doc:"The policy in plain words, as customers and sales hear it"`
	Rule          string     `json:"rule" example:"promise.kind == \"rebate\" && promise.due_in_days < 42" doc:"CEL, true when a promise conflicts with the policy (docs/policies.md)"`
	Severity      string     `json:"severity" enum:"warn,block" doc:"warn: the promise needs an acknowledgement; block: it is refused"`
	EffectiveFrom time.Time  `json:"effective_from"`
	EffectiveTo   *time.Time `json:"effective_to" doc:"null: open-ended"`
	Active        bool       `json:"active" doc:"false once removed"`
	UpdatedByID   string     `json:"updated_by_id"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	Version       int64      `json:"version"`
}

func servicePolicyOut(p rules.Policy) ServicePolicyOut {
	return ServicePolicyOut{ID: p.ID, Name: p.Name, Statement: p.Statement, Rule: p.Rule, Severity: p.Severity, EffectiveFrom: p.EffectiveFrom,
		EffectiveTo: optTime(p.EffectiveTo), Active: p.Active, UpdatedByID: p.UpdatedByID, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, Version: p.Version}
}

type servicePolicyBody struct {
	ETag string `header:"ETag"`
	Body ServicePolicyOut
}

// ConflictOut is a policy a promise conflicts with.
type ConflictOut struct {
	PolicyID  string `json:"policy_id"`
	Name      string `json:"name" example:"Rebate payment window"`
	Statement string `json:"statement" example:"Rebates are paid 6–8 weeks after the claim"`
	Severity  string `json:"severity" enum:"warn,block"`
	Faulty    bool   `json:"faulty" doc:"The rule failed on this promise (its error says why); a faulty policy only warns"`
	Error     string `json:"error,omitempty" doc:"Why a faulty rule failed"`
}

// PolicyCheckOut is the answer of a check.
type PolicyCheckOut struct {
	Conflicts []ConflictOut `json:"conflicts" doc:"Blocks first, then by name; [] when the promise conflicts with nothing"`
	Blocked   bool          `json:"blocked" doc:"A block policy applies: the promise would be refused"`
}

// parseOptionalTime reads an RFC 3339 time where "" means none.
func parseOptionalTime(field, s string, f *fault.Fields) time.Time {
	if strings.TrimSpace(s) == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		f.Add(field, "an RFC 3339 time such as 2026-03-01T00:00:00Z")
	}
	return t
}

// parseDue reads a due time as RFC 3339, or as a form's date or local
// date and time in the team's zone.
func (s *server) parseDue(v string, f *fault.Fields) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, v, s.app.Zone()); err == nil {
			return t
		}
	}
	f.Add("due_at", "an RFC 3339 time such as 2026-03-12T17:00:00Z, or a day such as 2026-03-12")
	return time.Time{}
}

func (s *server) registerPolicies(api huma.API) {
	tag := "Policies"
	register(api, op("list-policies", http.MethodGet, "/api/v1/policies", "The service policies by name", tag),
		func(ctx context.Context, in *struct {
			ListParams
			Removed bool `query:"removed" doc:"Include removed policies"`
		}) (*struct{ Body List[ServicePolicyOut] }, error) {
			list, err := s.app.ServicePolicies(ctx, actor(ctx), in.Removed)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			all := make([]ServicePolicyOut, len(list))
			for i, p := range list {
				all[i] = servicePolicyOut(p)
			}
			out := &struct{ Body List[ServicePolicyOut] }{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf(all, in.ListParams); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})

	register(api, op("create-policy", http.MethodPost, "/api/v1/policies", "Write a service policy (managers); its rule is compiled now and every sales user is told", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				Name          string `json:"name" maxLength:"100" example:"Rebate payment window"`
				Statement     string `json:"statement" maxLength:"1000" text:"multiline" example:"Rebates are paid 6–8 weeks after the claim"`
				Rule          string `json:"rule" maxLength:"2000" text:"multiline" example:"promise.kind == \"rebate\" && promise.due_in_days < 42" doc:"CEL, true when a promise conflicts; a rule that does not compile is 422 naming the line and column"`
				Severity      string `json:"severity" enum:"warn,block"`
				EffectiveFrom string `json:"effective_from,omitempty" maxLength:"40" example:"2026-03-01T00:00:00Z" doc:"RFC 3339; defaults to now"`
				EffectiveTo   string `json:"effective_to,omitempty" maxLength:"40" doc:"RFC 3339, after effective_from; empty: open-ended"`
			}
		}) (*servicePolicyBody, error) {
			b := in.Body
			var f fault.Fields
			p := rules.Policy{Name: b.Name, Statement: b.Statement, Rule: b.Rule, Severity: b.Severity,
				EffectiveFrom: parseOptionalTime("effective_from", b.EffectiveFrom, &f), EffectiveTo: parseOptionalTime("effective_to", b.EffectiveTo, &f)}
			if err := f.Err(); err != nil {
				return nil, s.problem(ctx, err)
			}
			p, err := s.app.SaveServicePolicy(ctx, actor(ctx), p, 0)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &servicePolicyBody{ETag: etag(p.Version), Body: servicePolicyOut(p)}, nil
		})

	register(api, op("get-policy", http.MethodGet, "/api/v1/policies/{id}", "Get a service policy", tag),
		func(ctx context.Context, in *IDParam) (*servicePolicyBody, error) {
			p, err := s.app.ServicePolicy(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &servicePolicyBody{ETag: etag(p.Version), Body: servicePolicyOut(p)}, nil
		})

	register(api, op("update-policy", http.MethodPatch, "/api/v1/policies/{id}", "Change a service policy (managers): a new version, compiled now; every sales user is told", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Name          *string `json:"name,omitempty" maxLength:"100"`
				Statement     *string `json:"statement,omitempty" maxLength:"1000" text:"multiline"`
				Rule          *string `json:"rule,omitempty" maxLength:"2000" text:"multiline" doc:"CEL, true when a promise conflicts"`
				Severity      *string `json:"severity,omitempty" enum:"warn,block"`
				EffectiveFrom *string `json:"effective_from,omitempty" maxLength:"40" doc:"RFC 3339"`
				EffectiveTo   *string `json:"effective_to,omitempty" maxLength:"40" doc:"RFC 3339, after effective_from; empty: open-ended"`
			}
		}) (*servicePolicyBody, error) {
			p, err := s.app.ServicePolicy(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			b := in.Body
			var f fault.Fields
			set := func(dst *string, v *string) {
				if v != nil {
					*dst = *v
				}
			}
			set(&p.Name, b.Name)
			set(&p.Statement, b.Statement)
			set(&p.Rule, b.Rule)
			set(&p.Severity, b.Severity)
			if b.EffectiveFrom != nil {
				if p.EffectiveFrom = parseOptionalTime("effective_from", *b.EffectiveFrom, &f); p.EffectiveFrom.IsZero() {
					f.Add("effective_from", "say from when the policy applies")
				}
			}
			if b.EffectiveTo != nil {
				p.EffectiveTo = parseOptionalTime("effective_to", *b.EffectiveTo, &f)
			}
			if err := f.Err(); err != nil {
				return nil, s.problem(ctx, err)
			}
			version := ifMatch(in.IfMatch)
			if version == 0 {
				version = p.Version
			}
			if p, err = s.app.SaveServicePolicy(ctx, actor(ctx), p, version); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &servicePolicyBody{ETag: etag(p.Version), Body: servicePolicyOut(p)}, nil
		})

	register(api, op("delete-policy", http.MethodDelete, "/api/v1/policies/{id}", "Remove a service policy (managers): it stops applying and is kept, inactive, for the record", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
		}) (*NoContent, error) {
			if _, err := s.app.RemoveServicePolicy(ctx, actor(ctx), in.ID, ifMatch(in.IfMatch)); err != nil {
				return nil, s.problem(ctx, err)
			}
			return &NoContent{}, nil
		})

	check := op("check-policies", http.MethodPost, "/api/v1/policies/check",
		"Check a promise being typed against the service policies in force, before it is made; the caller is its maker", tag)
	check.DefaultStatus = http.StatusOK
	register(api, check, func(ctx context.Context, in *struct {
		Body struct {
			Kind        string   `json:"kind" enum:"delivery_date,rebate,discount,callback,service_level,feature,other"`
			Amount      *MoneyIn `json:"amount,omitempty" doc:"The promised amount, if any"`
			DueAt       string   `json:"due_at,omitempty" maxLength:"40" example:"2026-03-12T17:00:00Z" doc:"RFC 3339, or a day (2026-03-12) or a day and time (2026-03-12T17:00) in the team's time zone, as a form holds it; promise.due_in_days counts the days to it in the team's time zone"`
			Description string   `json:"description,omitempty" text:"multiline" doc:"What exactly was promised"`
			AccountID   string   `json:"account_id,omitempty" doc:"The account: gives account.tier"`
		}
	}) (*struct{ Body PolicyCheckOut }, error) {
		b := in.Body
		var f fault.Fields
		d := app.PromiseDraft{Kind: b.Kind, DueAt: s.parseDue(b.DueAt, &f), Description: b.Description, AccountID: b.AccountID}
		if b.Amount != nil {
			d.AmountMinor, d.Currency = b.Amount.Minor, b.Amount.Currency
			if d.Currency == "" {
				f.Add("amount.currency", "say the currency of the amount")
			}
		}
		if err := f.Err(); err != nil {
			return nil, s.problem(ctx, err)
		}
		cs, err := s.app.CheckPromise(ctx, actor(ctx), d)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct{ Body PolicyCheckOut }{Body: policyCheckOut(cs)}, nil
	})
}

func policyCheckOut(cs []rules.Conflict) PolicyCheckOut {
	out := PolicyCheckOut{Conflicts: make([]ConflictOut, len(cs)), Blocked: rules.Blocked(cs)}
	for i, c := range cs {
		out.Conflicts[i] = ConflictOut(c)
	}
	return out
}
