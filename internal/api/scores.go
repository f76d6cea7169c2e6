package api

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/score"
	"tandem/internal/store"
)

// ScoreFilterParams narrow the survey answers scores are computed from.
type ScoreFilterParams struct {
	AccountID string `query:"account_id" maxLength:"100" doc:"Only this account's responses. Everyone may read any one account's scores"`
	OwnerID   string `query:"owner_id" maxLength:"100" doc:"Only responses of accounts this user owned when they answered. Sales and service may name only themselves; without account_id or owner_id they get their own accounts"`
	Team      string `query:"team" enum:"admin,manager,sales,service," doc:"Only responses whose owner has this role"`
	Trigger   string `query:"trigger" enum:"manual,order_delivered,case_closed,deal_won,promise_kept," doc:"Only responses to surveys this trigger sent"`
	From      string `query:"from" maxLength:"10" example:"2026-01-01" doc:"First day of the period (YYYY-MM-DD, UTC); default the first day of the month eleven months ago"`
	To        string `query:"to" maxLength:"10" example:"2026-12-31" doc:"Last day of the period (YYYY-MM-DD, UTC, included); default today"`
}

func (p ScoreFilterParams) filter() (store.ScoreFilter, error) {
	from, err := parseDay("from", p.From)
	if err != nil {
		return store.ScoreFilter{}, err
	}
	to, err := parseDay("to", p.To)
	if err != nil {
		return store.ScoreFilter{}, err
	}
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	return store.ScoreFilter{AccountID: p.AccountID, OwnerID: p.OwnerID, Team: p.Team, Trigger: p.Trigger, From: from, To: to}, nil
}

// SurveyScoresOut is the scores of a set of survey answers.
type SurveyScoresOut struct {
	From string `json:"from" example:"2025-04-01" doc:"First day of the period"`
	To   string `json:"to" example:"2026-03-02" doc:"Last day of the period"`
	// OwnerID is set when the scores were narrowed to the caller's accounts.
	OwnerID string `json:"owner_id,omitempty" doc:"The owner the scores are for, when one was asked for or the caller sees only their own"`
	app.ScoreSet
	Distribution app.Distribution  `json:"distribution"`
	ByMonth      []app.MonthScores `json:"by_month" doc:"One entry per month of the period (UTC), months without answers included with n 0"`
	Groups       []app.GroupScores `json:"groups,omitempty" doc:"With group_by: the scores per account, owner, team or trigger, the most NPS answers first"`
	Yardsticks   []score.Yardstick `json:"yardsticks" doc:"What customers said they expect, per metric, against the internal target: the customer-yardstick report"`
}

// ScoreAnswerOut is one answer behind a score.
type ScoreAnswerOut struct {
	ResponseID  string    `json:"response_id"`
	AnsweredAt  time.Time `json:"answered_at"`
	AccountID   string    `json:"account_id"`
	AccountName string    `json:"account_name" example:"Fabrikam"`
	ContactID   string    `json:"contact_id,omitempty"`
	OwnerID     string    `json:"owner_id,omitempty"`
	Trigger     string    `json:"trigger" enum:"manual,order_delivered,case_closed,deal_won,promise_kept" example:"order_delivered"`
	Key         string    `json:"key" example:"nps"`
	Type        string    `json:"type" enum:"nps,csat,ces,yes_no,yardstick,text" example:"nps"`
	Number      *float64  `json:"number,omitempty" example:"9" doc:"The scale's value, 1 yes or 0 no, the yardstick's value; absent for text"`
	Text        string    `json:"text" example:"9"`
	Metric      string    `json:"metric,omitempty" example:"delivery_days"`
	Unit        string    `json:"unit,omitempty" example:"days"`
	CaseID      string    `json:"case_id,omitempty" doc:"The case the response opened"`
	DealID      string    `json:"deal_id,omitempty" doc:"The deal the response started"`
}

// number reads an optional number; nil when empty.
func number(fields *fault.Fields, name, v string) *float64 {
	if v == "" {
		return nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		fields.Add(name, "give a number, such as 6")
		return nil
	}
	return &n
}

func (s *server) registerScores(api huma.API) {
	tag := "Survey scores"
	get := op("get-survey-scores", http.MethodGet, "/api/v1/survey-scores",
		"NPS (with its standard error and count), CSAT (share of 4-5), CES (mean) and the yes-rate of each yes/no question, "+
			"with the distribution, the trend by month, optionally per account, owner, team or trigger, and the customers' yardsticks per metric", tag)
	register(api, get, func(ctx context.Context, in *struct {
		ScoreFilterParams
		GroupBy string `query:"group_by" enum:"account,owner,team,trigger," doc:"Also give the scores per group"`
	}) (*struct{ Body SurveyScoresOut }, error) {
		f, err := in.filter()
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		sc, err := s.app.SurveyScores(ctx, actor(ctx), app.ScoreQuery{ScoreFilter: f, GroupBy: in.GroupBy})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct{ Body SurveyScoresOut }{}
		out.Body = SurveyScoresOut{From: sc.Filter.From.Format(time.DateOnly), To: sc.Filter.To.Add(-time.Millisecond).Format(time.DateOnly),
			OwnerID: sc.Filter.OwnerID, ScoreSet: sc.ScoreSet, Distribution: sc.Distribution, ByMonth: sc.ByMonth, Groups: sc.Groups, Yardsticks: sc.Yardsticks}
		return out, nil
	})

	register(api, op("list-survey-score-answers", http.MethodGet, "/api/v1/survey-scores/answers",
		"The answers behind a score, newest first: the same filters, and the question type or key and a range of values "+
			"(e.g. type=nps&min=0&max=6 for the detractors)", tag),
		func(ctx context.Context, in *struct {
			ListParams
			ScoreFilterParams
			Type   string `query:"type" enum:"nps,csat,ces,yes_no,yardstick,text," doc:"Only answers to questions of this type"`
			Key    string `query:"key" maxLength:"100" example:"delivered_as_promised" doc:"Only answers to the question with this key"`
			Metric string `query:"metric" maxLength:"100" example:"delivery_days" doc:"Only yardstick answers for this metric"`
			Min    string `query:"min" maxLength:"20" example:"0" doc:"Only answers of at least this value (a number)"`
			Max    string `query:"max" maxLength:"20" example:"6" doc:"Only answers of at most this value (a number)"`
		}) (*struct{ Body List[ScoreAnswerOut] }, error) {
			f, err := in.filter()
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			var fields fault.Fields
			lo, hi := number(&fields, "min", in.Min), number(&fields, "max", in.Max)
			if err := fields.Err(); err != nil {
				return nil, s.problem(ctx, err)
			}
			list, next, err := s.app.ScoreAnswers(ctx, actor(ctx), app.AnswerQuery{ScoreFilter: f, Type: in.Type, Key: in.Key, Metric: in.Metric, Min: lo, Max: hi},
				store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[ScoreAnswerOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]ScoreAnswerOut, len(list)), next
			for i, a := range list {
				out.Body.Items[i] = ScoreAnswerOut{ResponseID: a.ResponseID, AnsweredAt: a.AnsweredAt, AccountID: a.AccountID, AccountName: a.AccountName,
					ContactID: a.ContactID, OwnerID: a.OwnerID, Trigger: a.Trigger, Key: a.Key, Type: a.Type, Number: a.Number, Text: a.Text,
					Metric: a.Metric, Unit: a.Unit, CaseID: a.CaseID, DealID: a.DealID}
			}
			return out, nil
		})
}
