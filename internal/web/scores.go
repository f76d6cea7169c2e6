package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/chart"
	"tandem/internal/event"
	"tandem/internal/score"
	"tandem/internal/store"
	"tandem/internal/survey"
)

// scoreFilterFields are the query fields of the scores' filter form.
var scoreFilterFields = []string{"account_id", "owner_id", "team", "trigger", "from", "to"}

// readScoreFilter reads the filter form; a field it cannot read is left
// out of the filter and reported beside the field.
func readScoreFilter(q url.Values, errs map[string]string) store.ScoreFilter {
	f := store.ScoreFilter{AccountID: q.Get("account_id"), OwnerID: q.Get("owner_id"), Team: q.Get("team"), Trigger: q.Get("trigger")}
	if f.Team != "" {
		if _, ok := access.ParseRole(f.Team); !ok {
			errs["team"], f.Team = "choose a team from the list", ""
		}
	}
	if f.Trigger != "" && !slices.Contains(survey.Triggers, f.Trigger) {
		errs["trigger"], f.Trigger = "choose a trigger from the list", ""
	}
	for _, name := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			errs[name] = "enter a day such as 2026-03-01"
			continue
		}
		if name == "from" {
			f.From = d
		} else {
			f.To = d.AddDate(0, 0, 1)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		errs["to"], f.To = "the period ends on or after the day it starts", time.Time{}
	}
	return f
}

// scoreLinks builds the addresses of the answers behind the numbers.
type scoreLinks struct{ base url.Values }

func newScoreLinks(f store.ScoreFilter) scoreLinks {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("account_id", f.AccountID)
	set("owner_id", f.OwnerID)
	set("team", f.Team)
	set("trigger", f.Trigger)
	if !f.From.IsZero() {
		q.Set("from", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		q.Set("to", f.To.Add(-time.Millisecond).Format(time.DateOnly))
	}
	return scoreLinks{q}
}

// Answers is the address of the answers list with these extra fields
// (pairs of name and value) on top of the filter.
func (l scoreLinks) Answers(kv ...string) string {
	q := url.Values{}
	for k, v := range l.base {
		q[k] = slices.Clone(v)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return "/surveys/results/answers?" + q.Encode()
}

// Month is the answers of one month (YYYY-MM) with these extra fields.
func (l scoreLinks) Month(month string, kv ...string) string {
	m, err := time.Parse("2006-01", month)
	if err != nil {
		return l.Answers(kv...)
	}
	return l.Answers(append([]string{"from", m.Format(time.DateOnly), "to", m.AddDate(0, 1, -1).Format(time.DateOnly)}, kv...)...)
}

// Group is the answers of one group of a grouped table.
func (l scoreLinks) Group(by, key string) string {
	field := map[string]string{store.ScoreByAccount: "account_id", store.ScoreByOwner: "owner_id", store.ScoreByTeam: "team", store.ScoreByTrigger: "trigger"}[by]
	return l.Answers(field, key, "type", survey.NPS)
}

type resultsPage struct {
	Scores    app.Scores
	Links     scoreLinks
	Charts    scoreCharts
	YesKeys   []string
	Owners    []access.User
	Teams     []access.Role
	Triggers  []string
	GroupBy   string
	Groupings []string
	SeeAll    bool // may see every owner's scores
	From, To  string
}

type scoreCharts struct {
	NPSTrend, CSATTrend, NPSDist, CSATDist, CESDist template.HTML
}

func chartsOf(id string, sc app.Scores) scoreCharts {
	npsPts := make([]chart.Point, len(sc.ByMonth))
	csatPts := make([]chart.Point, len(sc.ByMonth))
	for i, m := range sc.ByMonth {
		npsPts[i] = chart.Point{Label: m.Month, Value: m.NPS.Score, N: m.NPS.N}
		csatPts[i] = chart.Point{Label: m.Month, Value: 100 * m.CSAT.Rate, N: m.CSAT.N}
	}
	return scoreCharts{
		NPSTrend:  chart.TrendSVG(chart.Trend{ID: id + "nps-trend", Title: "NPS by month", Unit: "points", Min: -100, Max: 100, Points: npsPts}),
		CSATTrend: chart.TrendSVG(chart.Trend{ID: id + "csat-trend", Title: "CSAT by month", Unit: "% satisfied", Min: 0, Max: 100, Points: csatPts}),
		NPSDist:   chart.DistributionSVG(chart.Distribution{ID: id + "nps-dist", Title: "NPS answers, 0 to 10", Bars: chart.NPSBars(sc.Distribution.NPS)}),
		CSATDist:  chart.DistributionSVG(chart.Distribution{ID: id + "csat-dist", Title: "CSAT answers, 1 to 5", Bars: chart.ScaleBars(sc.Distribution.CSAT, 1, 5)}),
		CESDist:   chart.DistributionSVG(chart.Distribution{ID: id + "ces-dist", Title: "CES answers, 1 to 7", Bars: chart.ScaleBars(sc.Distribution.CES, 1, 7)}),
	}
}

// filterErrorMessage heads a filter form some of whose fields were left out.
const filterErrorMessage = "These scores leave out the filters marked below: correct them and show again."

// surveyResults is the survey results page: the scores of the filter, the
// charts with their numbers as tables, and links to the answers behind them.
func (s *site) surveyResults(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	errs := map[string]string{}
	f := readScoreFilter(q, errs)
	by := q.Get("group_by")
	if by != "" && (by == store.ScoreByMonth || !slices.Contains(store.ScoreGroupings, by)) {
		errs["group_by"], by = "choose a grouping from the list", ""
	}
	sc, err := s.app.SurveyScores(r.Context(), actor, app.ScoreQuery{ScoreFilter: f, GroupBy: by})
	if fe, _, ok := formErrors(err); ok && len(fe) > 0 {
		for k, v := range fe {
			errs[k] = v
		}
		sc, err = s.app.SurveyScores(r.Context(), actor, app.ScoreQuery{ScoreFilter: store.ScoreFilter{AccountID: f.AccountID, OwnerID: f.OwnerID}})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := resultsPage{Scores: sc, Links: newScoreLinks(sc.Filter), Charts: chartsOf("", sc), YesKeys: app.YesKeys(sc.YesRates),
		Teams: access.Roles, Triggers: survey.Triggers, GroupBy: by, Groupings: store.ScoreGroupings[1:], SeeAll: actor.Can(access.ReadScores, false),
		From: sc.Filter.From.Format(time.DateOnly), To: sc.Filter.To.Add(-time.Millisecond).Format(time.DateOnly)}
	if page.SeeAll {
		if users, err := s.app.Users(r.Context(), actor); err == nil {
			page.Owners = users
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status, errs["form"] = http.StatusUnprocessableEntity, filterErrorMessage
	}
	s.render(w, r, status, "survey_results", view{Title: "Survey results", Nav: "scores", Form: q, Errors: errs, Users: s.userNames(r, actor), Data: page})
}

type answersPage struct {
	Answers  []store.ScoreAnswer
	Next     string
	Heading  string
	Back     string
	Filter   store.ScoreFilter
	Accounts map[string]string
}

// scoreAnswers lists the answers behind a number of the results page.
func (s *site) scoreAnswers(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	errs := map[string]string{}
	f := readScoreFilter(q, errs)
	aq := app.AnswerQuery{ScoreFilter: f, Type: q.Get("type"), Key: q.Get("key"), Metric: q.Get("metric")}
	if aq.Type != "" && !slices.Contains(survey.Types, aq.Type) {
		errs["type"], aq.Type = "choose a question type", ""
	}
	for _, name := range []string{"min", "max"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
			errs[name] = "enter a number"
			continue
		}
		if name == "min" {
			aq.Min = &n
		} else {
			aq.Max = &n
		}
	}
	list, next, err := s.app.ScoreAnswers(r.Context(), actor, aq, store.Page{Cursor: q.Get("cursor"), Limit: 100})
	if fe, _, ok := formErrors(err); ok && len(fe) > 0 {
		for k, v := range fe {
			errs[k] = v
		}
		list, next, err = nil, "", nil
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nextURL := ""
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		nextURL = "/surveys/results/answers?" + nq.Encode()
	}
	back := url.Values{}
	for _, k := range scoreFilterFields {
		if v := q.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status, errs["form"] = http.StatusUnprocessableEntity, "Correct the filters marked below."
	}
	s.render(w, r, status, "survey_answers", view{Title: "Survey answers", Nav: "scores", Form: q, Errors: errs, Users: s.userNames(r, actor),
		Data: answersPage{Answers: list, Next: nextURL, Heading: answersHeading(aq), Back: "/surveys/results?" + back.Encode(), Filter: f}})
}

// answersHeading says in words which answers the list shows.
func answersHeading(q app.AnswerQuery) string {
	what := "All answers"
	switch {
	case q.Type == survey.NPS && q.Min != nil && *q.Min >= 9:
		what = "Promoters (NPS 9–10)"
	case q.Type == survey.NPS && q.Max != nil && *q.Max <= 6:
		what = "Detractors (NPS 0–6)"
	case q.Type == survey.NPS && q.Min != nil && *q.Min >= 7 && q.Max != nil && *q.Max <= 8:
		what = "Passives (NPS 7–8)"
	case q.Type == survey.CSAT && q.Min != nil && *q.Min >= 4:
		what = "Satisfied (CSAT 4–5)"
	case q.Key != "" && q.Min != nil && *q.Min == 1:
		what = fmt.Sprintf("Yes to %s", strings.ReplaceAll(q.Key, "_", " "))
	case q.Key != "" && q.Max != nil && *q.Max == 0:
		what = fmt.Sprintf("No to %s", strings.ReplaceAll(q.Key, "_", " "))
	case q.Key != "":
		what = "Answers to " + strings.ReplaceAll(q.Key, "_", " ")
	case q.Metric != "":
		what = "Yardstick answers for " + strings.ReplaceAll(q.Metric, "_", " ")
	case q.Type != "":
		what = strings.ToUpper(q.Type) + " answers"
	}
	return what
}

// accountScores is the account page's scores section.
type accountScores struct {
	AccountID string
	Scores    app.Scores
	Last      []store.ScoreAnswer
	Links     scoreLinks
	Trend     template.HTML
	YesKeys   []string
}

// accountScoresOf reads an account's scores over the last twelve months and
// its last answers.
func (s *site) accountScoresOf(ctx context.Context, actor access.Actor, accountID string) (*accountScores, error) {
	f := store.ScoreFilter{AccountID: accountID}
	sc, err := s.app.SurveyScores(ctx, actor, app.ScoreQuery{ScoreFilter: f})
	if err != nil {
		return nil, err
	}
	last, _, err := s.app.ScoreAnswers(ctx, actor, app.AnswerQuery{ScoreFilter: f}, store.Page{Limit: 8})
	if err != nil {
		return nil, err
	}
	pts := make([]chart.Point, len(sc.ByMonth))
	for i, m := range sc.ByMonth {
		pts[i] = chart.Point{Label: m.Month, Value: m.NPS.Score, N: m.NPS.N}
	}
	return &accountScores{AccountID: accountID, Scores: sc, Last: last, Links: newScoreLinks(store.ScoreFilter{AccountID: accountID}), YesKeys: app.YesKeys(sc.YesRates),
		Trend: chart.TrendSVG(chart.Trend{ID: "account-nps-trend", Title: "This account's NPS by month", Unit: "points", Min: -100, Max: 100, Points: pts})}, nil
}

// scoreFuncs are the template helpers of the scores' pages.
var scoreFuncs = template.FuncMap{
	"points": func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) },
	"signed": func(v float64) string {
		s := strconv.FormatFloat(v, 'f', 0, 64)
		if v > 0.5 {
			s = "+" + s
		}
		return s
	},
	"share":    func(sh score.Share) string { return strconv.FormatFloat(100*sh.Rate, 'f', 0, 64) + "%" },
	"mean":     func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"oneplace": func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) },
	"question": func(key string) string {
		switch key {
		case survey.KeyAsExpected:
			return "Did everything go as expected?"
		case survey.KeyDeliveredAsPromised:
			return "Have we delivered as promised?"
		case survey.KeyMetExpectations:
			return "Have we met your expectations?"
		case survey.KeyNPS:
			return "NPS"
		}
		return event.Human(key)
	},
	"shortq": func(key string) string {
		switch key {
		case survey.KeyAsExpected:
			return "As expected"
		case survey.KeyDeliveredAsPromised:
			return "As promised"
		case survey.KeyMetExpectations:
			return "Met expectations"
		}
		return strings.ReplaceAll(key, "_", " ")
	},
	"rate": func(m map[string]score.Share, key string) score.Share { return m[key] },
	"sub":  func(a, b int) int { return a - b },
	"num": func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	},
}
