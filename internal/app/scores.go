package app

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/score"
	"tandem/internal/store"
	"tandem/internal/survey"
)

// YardstickTargetsKey is the setting holding the internal target of each
// yardstick metric (a JSON object, metric → number in the metric's unit).
const YardstickTargetsKey = "yardstick_targets"

// DefaultYardstickTargets apply while no targets are stored: what the
// company promises itself for the two default yardsticks.
var DefaultYardstickTargets = map[string]float64{"delivery_days": 7, "first_response_hours": 24}

// maxScoreMonths bounds the period of one scores request.
const maxScoreMonths = 120

// ScoreQuery asks for the scores of the responses a filter selects, and
// optionally for them per group (store.ScoreGroupings).
type ScoreQuery struct {
	store.ScoreFilter
	GroupBy string
}

// ScoreSet is the figures of one set of answers.
type ScoreSet struct {
	NPS      score.NPS              `json:"nps"`
	CSAT     score.Share            `json:"csat" doc:"Share of 4 and 5 among the 1-5 answers."`
	CES      score.Mean             `json:"ces" doc:"Mean of the 1-7 answers."`
	YesRates map[string]score.Share `json:"yes_rates" doc:"Per yes/no question key: the share of yes."`
}

// MonthScores is the figures of one month (UTC).
type MonthScores struct {
	Month string `json:"month" example:"2026-03"`
	ScoreSet
}

// GroupScores is the figures of one group: an account, owner, team or
// trigger.
type GroupScores struct {
	Key  string `json:"key" doc:"The account id, owner id, team (role) or trigger; empty for responses without an owner." example:"order_delivered"`
	Name string `json:"name" doc:"What the page shows for the key." example:"Order delivered"`
	ScoreSet
}

// Distribution is how many gave each answer: NPS[v] answered v (0–10),
// CSAT[v] (1–5, CSAT[0] unused), CES[v] (1–7, CES[0] unused).
type Distribution struct {
	NPS  []int `json:"nps" doc:"Answers of 0 to 10, by value." example:"[1,0,0,0,0,1,2,3,5,8,10]"`
	CSAT []int `json:"csat" doc:"Answers of 1 to 5 at index 1 to 5; index 0 is always 0." example:"[0,1,0,2,6,9]"`
	CES  []int `json:"ces" doc:"Answers of 1 to 7 at index 1 to 7; index 0 is always 0." example:"[0,5,4,2,1,0,0,0]"`
}

// Scores is the answer to a ScoreQuery.
type Scores struct {
	Filter store.ScoreFilter `json:"-"`
	ScoreSet
	Distribution Distribution      `json:"distribution"`
	ByMonth      []MonthScores     `json:"by_month"`
	Groups       []GroupScores     `json:"groups,omitempty"`
	Yardsticks   []score.Yardstick `json:"yardsticks"`
}

// scoreScope checks who may see the scores a filter asks for, and narrows
// a filter without an account or owner to the caller's own accounts for
// those who may only see their own.
func (a *App) scoreScope(actor access.Actor, f *store.ScoreFilter) error {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return err
	}
	if f.AccountID != "" || actor.Can(access.ReadScores, false) {
		return nil // one account's scores are read like the account
	}
	if f.OwnerID == "" {
		f.OwnerID = actor.User.ID
	}
	return actor.Require(access.ReadScores, f.OwnerID == actor.User.ID)
}

func monthStart(t time.Time) time.Time {
	y, m, _ := t.UTC().Date()
	return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
}

// checkScoreFilter validates a filter and fills in the period: by default
// the twelve months up to now.
func (a *App) checkScoreFilter(f *store.ScoreFilter) error {
	var fields fault.Fields
	if f.Team != "" {
		if _, ok := access.ParseRole(f.Team); !ok {
			fields.Add("team", "use one of: admin, manager, sales, service")
		}
	}
	if f.Trigger != "" && !slices.Contains(survey.Triggers, f.Trigger) {
		fields.Add("trigger", "use one of: "+strings.Join(survey.Triggers, ", "))
	}
	if f.To.IsZero() {
		f.To = a.Now().Add(time.Millisecond)
	}
	if f.From.IsZero() {
		f.From = monthStart(f.To.Add(-time.Millisecond)).AddDate(0, -11, 0)
	}
	switch {
	case !f.To.After(f.From):
		fields.Add("to", "the period ends after it starts")
	case f.From.Before(monthStart(f.To).AddDate(0, -maxScoreMonths, 0)):
		fields.Add("from", "ask for at most ten years at a time")
	}
	return fields.Err()
}

// SurveyScores computes NPS, CSAT, CES and the yes-rates of the survey
// answers a query selects, their distribution, the month-by-month trend
// over the period, the figures per group when asked, and the customers'
// yardsticks per metric. Everyone sees any one account's scores; managers
// and admins see every grouping; sales and service those of their own
// accounts (a query without account or owner is narrowed to them).
func (a *App) SurveyScores(ctx context.Context, actor access.Actor, q ScoreQuery) (Scores, error) {
	f := q.ScoreFilter
	if err := a.scoreScope(actor, &f); err != nil {
		return Scores{}, err
	}
	if q.GroupBy != "" && (q.GroupBy == store.ScoreByMonth || !slices.Contains(store.ScoreGroupings, q.GroupBy)) {
		return Scores{}, (&fault.Fields{{Field: "group_by", Message: "group by account, owner, team or trigger"}}).Err()
	}
	if err := a.checkScoreFilter(&f); err != nil {
		return Scores{}, err
	}
	byMonth, err := a.store.ScoreCounts(ctx, f, store.ScoreByMonth)
	if err != nil {
		return Scores{}, err
	}
	out := Scores{Filter: f, Distribution: Distribution{NPS: make([]int, 11), CSAT: make([]int, 6), CES: make([]int, 8)},
		Yardsticks: []score.Yardstick{}}
	months := map[string]*counts{}
	total := newCounts()
	for _, c := range byMonth {
		if months[c.Group] == nil {
			months[c.Group] = newCounts()
		}
		months[c.Group].add(c)
		total.add(c)
	}
	out.ScoreSet = total.set()
	out.Distribution.NPS, out.Distribution.CSAT, out.Distribution.CES = total.nps, total.csat, total.ces
	for m := monthStart(f.From); m.Before(f.To); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		c := months[key]
		if c == nil {
			c = newCounts()
		}
		out.ByMonth = append(out.ByMonth, MonthScores{Month: key, ScoreSet: c.set()})
	}
	if q.GroupBy != "" {
		if out.Groups, err = a.scoreGroups(ctx, f, q.GroupBy); err != nil {
			return Scores{}, err
		}
	}
	out.Yardsticks, err = a.yardsticks(ctx, f)
	return out, err
}

func (a *App) scoreGroups(ctx context.Context, f store.ScoreFilter, by string) ([]GroupScores, error) {
	rows, err := a.store.ScoreCounts(ctx, f, by)
	if err != nil {
		return nil, err
	}
	groups := map[string]*counts{}
	var keys []string
	for _, c := range rows {
		if groups[c.Group] == nil {
			groups[c.Group] = newCounts()
			keys = append(keys, c.Group)
		}
		groups[c.Group].add(c)
	}
	names := map[string]string{}
	switch by {
	case store.ScoreByAccount:
		if names, err = a.store.AccountNames(ctx, keys); err != nil {
			return nil, err
		}
	case store.ScoreByOwner:
		users, err := a.store.Users(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			names[u.ID] = u.Name
		}
	}
	out := make([]GroupScores, 0, len(keys))
	for _, k := range keys {
		name := names[k]
		switch {
		case name != "":
		case k == "" && (by == store.ScoreByOwner || by == store.ScoreByTeam):
			name = "No owner"
		case by == store.ScoreByTrigger || by == store.ScoreByTeam:
			name = strings.ToUpper(k[:1]) + strings.ReplaceAll(k[1:], "_", " ")
		default:
			name = k
		}
		out = append(out, GroupScores{Key: k, Name: name, ScoreSet: groups[k].set()})
	}
	slices.SortStableFunc(out, func(x, y GroupScores) int {
		return cmp.Or(cmp.Compare(y.NPS.N, x.NPS.N), cmp.Compare(x.Name, y.Name))
	})
	return out, nil
}

// YardstickTargets returns the internal target of each yardstick metric.
func (a *App) YardstickTargets(ctx context.Context) (map[string]float64, error) {
	m, _, err := yardstickTargets(ctx, a.store)
	return m, err
}

// YardstickTargetSetting returns the internal targets and their version
// (0 while the defaults apply), for everyone who reads records.
func (a *App) YardstickTargetSetting(ctx context.Context, actor access.Actor) (map[string]float64, int64, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, 0, err
	}
	return yardstickTargets(ctx, a.store)
}

func yardstickTargets(ctx context.Context, r settingReader) (map[string]float64, int64, error) {
	st, found, err := r.Setting(ctx, YardstickTargetsKey)
	if err != nil || !found {
		return maps.Clone(DefaultYardstickTargets), 0, err
	}
	var m map[string]float64
	if err := json.Unmarshal(st.Spec, &m); err != nil {
		return maps.Clone(DefaultYardstickTargets), st.Version, nil
	}
	return m, st.Version, nil
}

// SaveYardstickTargets saves the internal target of each yardstick metric
// (managers): the whole set, a metric left out has no target. version is
// the one read (0: the defaults), -1 to skip the check.
func (a *App) SaveYardstickTargets(ctx context.Context, actor access.Actor, targets map[string]float64, version int64) (map[string]float64, int64, error) {
	if err := actor.Require(access.EditSurveys, false); err != nil {
		return nil, 0, err
	}
	if targets == nil {
		targets = map[string]float64{}
	}
	if err := survey.ValidateTargets(targets); err != nil {
		return nil, 0, err
	}
	var saved int64
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, _, err := tx.Setting(ctx, YardstickTargetsKey)
		if err != nil {
			return err
		}
		if version < -1 || (version >= 0 && version != cur.Version) {
			return fault.StaleVersion("yardstick targets")
		}
		b, _ := json.Marshal(targets)
		now := a.Now()
		if err := tx.SaveSetting(ctx, store.Setting{Key: YardstickTargetsKey, Name: "Yardstick targets", Spec: b, UpdatedAt: now}, cur.Version); err != nil {
			return err
		}
		saved = cur.Version + 1
		return a.record(ctx, tx, actor, now, change{kind: "survey.targets_changed", subjectType: "setting", subjectID: YardstickTargetsKey,
			offTimeline: true, after: json.RawMessage(b)})
	})
	if err != nil {
		return nil, 0, err
	}
	return targets, saved, nil
}

func (a *App) yardsticks(ctx context.Context, f store.ScoreFilter) ([]score.Yardstick, error) {
	rows, err := a.store.YardstickCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	targets, err := a.YardstickTargets(ctx)
	if err != nil {
		return nil, err
	}
	out := []score.Yardstick{}
	for i := 0; i < len(rows); {
		j := i
		var vals []float64
		for ; j < len(rows) && rows[j].Metric == rows[i].Metric && rows[j].Unit == rows[i].Unit; j++ {
			for range rows[j].Count {
				vals = append(vals, rows[j].Value)
			}
		}
		var target *float64
		if t, ok := targets[rows[i].Metric]; ok {
			target = &t
		}
		out = append(out, score.YardstickOf(rows[i].Metric, rows[i].Unit, vals, target))
		i = j
	}
	return out, nil
}

// counts gathers the answers of one set by value.
type counts struct {
	nps, csat, ces []int
	yes, yesN      map[string]int
}

func newCounts() *counts {
	return &counts{nps: make([]int, 11), csat: make([]int, 6), ces: make([]int, 8), yes: map[string]int{}, yesN: map[string]int{}}
}

func (c *counts) add(x store.ScoreCount) {
	v := int(x.Value)
	switch x.Type {
	case survey.NPS:
		if v >= 0 && v <= 10 {
			c.nps[v] += x.Count
		}
	case survey.CSAT:
		if v >= 1 && v <= 5 {
			c.csat[v] += x.Count
		}
	case survey.CES:
		if v >= 1 && v <= 7 {
			c.ces[v] += x.Count
		}
	case survey.YesNo:
		c.yesN[x.Key] += x.Count
		if v == 1 {
			c.yes[x.Key] += x.Count
		}
	}
}

func (c *counts) set() ScoreSet {
	s := ScoreSet{NPS: score.NPSFromDistribution(c.nps), CSAT: score.CSATFromDistribution(c.csat), CES: score.CESFromDistribution(c.ces),
		YesRates: map[string]score.Share{}}
	for k, n := range c.yesN {
		s.YesRates[k] = score.ShareOf(c.yes[k], n)
	}
	return s
}

// YesKeys orders the keys of yes-rates: the three questions first, then
// the others by name.
func YesKeys(rates map[string]score.Share) []string {
	three := []string{survey.KeyAsExpected, survey.KeyDeliveredAsPromised, survey.KeyMetExpectations}
	var rest []string
	for k := range rates {
		if !slices.Contains(three, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(three, rest...)
}

// AnswerQuery picks the answers behind one number of the scores.
type AnswerQuery struct {
	store.ScoreFilter
	Type     string
	Key      string
	Metric   string
	Min, Max *float64
}

// ScoreAnswers lists the answers behind a number of SurveyScores, newest
// first, under the same rules of who sees what.
func (a *App) ScoreAnswers(ctx context.Context, actor access.Actor, q AnswerQuery, p store.Page) ([]store.ScoreAnswer, string, error) {
	f := q.ScoreFilter
	if err := a.scoreScope(actor, &f); err != nil {
		return nil, "", err
	}
	if err := a.checkScoreFilter(&f); err != nil {
		return nil, "", err
	}
	var fields fault.Fields
	if q.Type != "" && !slices.Contains(survey.Types, q.Type) {
		fields.Add("type", "use one of: "+strings.Join(survey.Types, ", "))
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		fields.Add("max", "the highest value is at least the lowest")
	}
	if err := fields.Err(); err != nil {
		return nil, "", err
	}
	return a.store.ScoreAnswers(ctx, store.AnswerFilter{ScoreFilter: f, Type: q.Type, Key: q.Key, Metric: q.Metric, Min: q.Min, Max: q.Max}, p)
}
