package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ScoreFilter narrows the answers the scores are computed from. Empty
// fields do not narrow; Team is the role of the account's owner when the
// survey was answered; [From, To) is the period by answered_at.
type ScoreFilter struct {
	AccountID string
	OwnerID   string
	Team      string
	Trigger   string
	From, To  time.Time
}

// The groupings of ScoreCounts.
const (
	ScoreByNone    = ""
	ScoreByMonth   = "month"
	ScoreByAccount = "account"
	ScoreByOwner   = "owner"
	ScoreByTeam    = "team"
	ScoreByTrigger = "trigger"
)

// ScoreGroupings lists the groupings ScoreCounts accepts.
var ScoreGroupings = []string{ScoreByMonth, ScoreByAccount, ScoreByOwner, ScoreByTeam, ScoreByTrigger}

// ScoreCount is how many answers of one question gave one value, within
// one group.
type ScoreCount struct {
	Group string  // the month (YYYY-MM, UTC), account id, owner id, team or trigger; "" without grouping
	Type  string  // nps, csat, ces or yes_no
	Key   string  // the question's key
	Value float64 // the answer: the scale's value, 1 yes, 0 no
	Count int
}

// YardstickCount is how many answers for one metric gave one value.
type YardstickCount struct {
	Metric string
	Unit   string
	Value  float64
	Count  int
}

// scoreWhere is the filter as conditions on survey_responses r.
func scoreWhere(f ScoreFilter) *where {
	w := &where{}
	if f.AccountID != "" {
		w.add("r.account_id = ?", f.AccountID)
	}
	if f.OwnerID != "" {
		w.add("r.owner_id = ?", f.OwnerID)
	}
	if f.Team != "" {
		w.add("r.owner_id IN (SELECT id FROM users WHERE role = ?)", f.Team)
	}
	if f.Trigger != "" {
		w.add("r.trigger = ?", f.Trigger)
	}
	if !f.From.IsZero() {
		w.add("r.answered_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("r.answered_at < ?", ms(f.To))
	}
	return w
}

// dayMS is a day in milliseconds: the database groups answers by UTC day
// (an integer division, far cheaper per row than formatting a date), and
// the days are gathered into months here.
const dayMS = 24 * 60 * 60 * 1000

// ScoreCounts counts the scale and yes/no answers of the responses the
// filter selects, per group, question and value. The filter's account,
// owner and trigger each have an index by (column, answered_at), so an
// account's scores read its responses only.
func (q q) ScoreCounts(ctx context.Context, f ScoreFilter, by string) ([]ScoreCount, error) {
	query, args := scoreCountsQuery(f, by)
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (ScoreCount, error) {
		var c ScoreCount
		err := sc.Scan(&c.Group, &c.Type, &c.Key, &c.Value, &c.Count)
		return c, err
	})
	if err != nil || by != ScoreByMonth {
		return out, err
	}
	return byMonth(out)
}

// scoreCountsQuery is ScoreCounts' SQL. Across the book it reads two
// covering indexes (migration 00023): the period's responses by time with
// what they are grouped by, and their scale and yes/no answers.
func scoreCountsQuery(f ScoreFilter, by string) (string, []any) {
	group, join := "''", ""
	switch by {
	case ScoreByMonth:
		group = fmt.Sprintf("CAST(r.answered_at / %d AS TEXT)", dayMS)
	case ScoreByAccount:
		group = "r.account_id"
	case ScoreByOwner:
		group = "COALESCE(r.owner_id, '')"
	case ScoreByTeam:
		group, join = "COALESCE(u.role, '')", " LEFT JOIN users u ON u.id = r.owner_id"
	case ScoreByTrigger:
		group = "r.trigger"
	}
	w := scoreWhere(f)
	w.add("a.type IN ('nps', 'csat', 'ces', 'yes_no') AND a.number IS NOT NULL")
	return `SELECT ` + group + `, a.type, a.key, a.number, COUNT(*)
		FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id` + join + w.String() + `
		GROUP BY 1, 2, 3, 4`, w.args
}

// byMonth turns counts per day (days since the epoch) into counts per
// UTC month, in the order of month, type, key and value.
func byMonth(days []ScoreCount) ([]ScoreCount, error) {
	type k struct {
		month, typ, key string
		value           float64
	}
	sum := map[k]int{}
	var keys []k
	for _, c := range days {
		d, err := strconv.ParseInt(c.Group, 10, 64)
		if err != nil {
			return nil, err
		}
		x := k{fromMS(d * dayMS).Format("2006-01"), c.Type, c.Key, c.Value}
		if _, ok := sum[x]; !ok {
			keys = append(keys, x)
		}
		sum[x] += c.Count
	}
	slices.SortFunc(keys, func(a, b k) int {
		return cmp.Or(cmp.Compare(a.month, b.month), cmp.Compare(a.typ, b.typ), cmp.Compare(a.key, b.key), cmp.Compare(a.value, b.value))
	})
	out := make([]ScoreCount, len(keys))
	for i, x := range keys {
		out[i] = ScoreCount{Group: x.month, Type: x.typ, Key: x.key, Value: x.value, Count: sum[x]}
	}
	return out, nil
}

// YardstickCounts counts the yardstick answers of the responses the filter
// selects, per metric, unit and value.
func (q q) YardstickCounts(ctx context.Context, f ScoreFilter) ([]YardstickCount, error) {
	w := scoreWhere(f)
	w.add("a.type = 'yardstick' AND a.number IS NOT NULL AND a.metric <> ''")
	rows, err := q.query(ctx, `SELECT a.metric, a.unit, a.number, COUNT(*)
		FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id`+w.String()+`
		GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (YardstickCount, error) {
		var c YardstickCount
		err := sc.Scan(&c.Metric, &c.Unit, &c.Value, &c.Count)
		return c, err
	})
}

// AnswerFilter picks the answers behind one number: the responses of the
// ScoreFilter, and of them the answers of one type or key, optionally
// within [Min, Max].
type AnswerFilter struct {
	ScoreFilter
	Type     string   // nps, csat, ces, yes_no, yardstick, text; "" any
	Key      string   // the question's key; "" any
	Metric   string   // a yardstick's metric; "" any
	Min, Max *float64 // the answer's number within [Min, Max]
}

// ScoreAnswer is one answer with what the list shows beside it.
type ScoreAnswer struct {
	ResponseID  string
	AnsweredAt  time.Time
	AccountID   string
	AccountName string
	ContactID   string
	ContactName string
	OwnerID     string
	OwnerName   string
	Trigger     string
	Key         string
	Type        string
	Number      *float64
	Text        string
	Metric      string
	Unit        string
	CaseID      string
	DealID      string
}

// ScoreAnswers lists the answers an AnswerFilter picks, the newest first.
func (q q) ScoreAnswers(ctx context.Context, f AnswerFilter, p Page) ([]ScoreAnswer, string, error) {
	w := scoreWhere(f.ScoreFilter)
	if f.Type != "" {
		w.add("a.type = ?", f.Type)
	}
	if f.Key != "" {
		w.add("a.key = ?", f.Key)
	}
	if f.Metric != "" {
		w.add("a.metric = ?", f.Metric)
	}
	if f.Min != nil {
		w.add("a.number >= ?", *f.Min)
	}
	if f.Max != nil {
		w.add("a.number <= ?", *f.Max)
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		// The cursor's ID is the response id and the key, which together
		// name one answer.
		w.add("(r.answered_at < ? OR (r.answered_at = ? AND (r.id < ? OR (r.id = ? AND a.key < ?))))", c.N, c.N, c.ID, c.ID, c.S)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT r.id, r.answered_at, r.account_id, COALESCE(ac.name, ''), COALESCE(r.contact_id, ''),
		COALESCE(c.name, ''), COALESCE(r.owner_id, ''), COALESCE(u.name, ''), r.trigger, a.key, a.type, a.number, a.text,
		a.metric, a.unit, COALESCE(r.case_id, ''), COALESCE(r.deal_id, '')
		FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id
		LEFT JOIN accounts ac ON ac.id = r.account_id
		LEFT JOIN contacts c ON c.id = r.contact_id
		LEFT JOIN users u ON u.id = r.owner_id`+w.String()+`
		ORDER BY r.answered_at DESC, r.id DESC, a.key DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (ScoreAnswer, error) {
		var a ScoreAnswer
		var at int64
		var num sql.NullFloat64
		err := sc.Scan(&a.ResponseID, &at, &a.AccountID, &a.AccountName, &a.ContactID, &a.ContactName, &a.OwnerID, &a.OwnerName,
			&a.Trigger, &a.Key, &a.Type, &num, &a.Text, &a.Metric, &a.Unit, &a.CaseID, &a.DealID)
		a.AnsweredAt = fromMS(at)
		if num.Valid {
			v := num.Float64
			a.Number = &v
		}
		return a, err
	})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		last := out[n-1]
		next = cursor{N: ms(last.AnsweredAt), ID: last.ResponseID, S: last.Key}.String()
	}
	return out, next, nil
}
