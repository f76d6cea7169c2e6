package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tandem/internal/cases"
	"tandem/internal/promise"
)

// NextNumber takes the next human-facing number of a counter.
func (tx *Tx) NextNumber(ctx context.Context, name string) (int64, error) {
	var n int64
	err := tx.row(ctx, `UPDATE counters SET value = value + 1 WHERE name = $1 RETURNING value`, name).Scan(&n)
	return n, err
}

const caseCols = `id, number, account_id, contact_id, subject, description, category, priority, status, assignee_id, channel, solution,
	confirmed, close_reason, minutes_spent, reopened, opened_at, responded_at, resolved_at, closed_at,
	fr_target_ms, res_target_ms, res_paused_ms, res_paused_at, fr_due_at, res_due_at, due_at, at_risk_at, sla_alerts, created_at, updated_at, version`

func scanCase(sc interface{ Scan(...any) error }) (cases.Case, error) {
	var c cases.Case
	var contact, assignee sql.NullString
	var confirmed, responded, resolved, closed, pausedAt, resDue sql.NullInt64
	var status string
	var opened, frTarget, resTarget, resPaused, frDue, due, created, updated int64
	var alerts int
	var atRisk int64
	err := sc.Scan(&c.ID, &c.Number, &c.AccountID, &contact, &c.Subject, &c.Description, &c.Category, &c.Priority, &status, &assignee,
		&c.Channel, &c.Solution, &confirmed, &c.CloseReason, &c.MinutesSpent, &c.Reopened, &opened, &responded, &resolved, &closed,
		&frTarget, &resTarget, &resPaused, &pausedAt, &frDue, &resDue, &due, &atRisk, &alerts, &created, &updated, &c.Version)
	c.ContactID, c.AssigneeID, c.Status = contact.String, assignee.String, cases.Status(status)
	if confirmed.Valid {
		v := confirmed.Int64 == 1
		c.Confirmed = &v
	}
	c.OpenedAt, c.RespondedAt, c.ResolvedAt, c.ClosedAt = fromMS(opened), fromNullMS(responded), fromNullMS(resolved), fromNullMS(closed)
	c.Clocks = cases.Clocks{FirstResponseTarget: time.Duration(frTarget) * time.Millisecond, ResolutionTarget: time.Duration(resTarget) * time.Millisecond,
		ResolutionPaused: time.Duration(resPaused) * time.Millisecond, ResolutionPausedAt: fromNullMS(pausedAt),
		FirstResponseDue: fromMS(frDue), ResolutionDue: fromNullMS(resDue), Alerts: alerts}
	if atRisk != noDeadline {
		c.Clocks.AtRiskAt = fromMS(atRisk)
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, err
}

func caseArgs(c cases.Case) []any {
	var confirmed sql.NullInt64
	if c.Confirmed != nil {
		confirmed = sql.NullInt64{Int64: int64(boolInt(*c.Confirmed)), Valid: true}
	}
	k := c.Clocks
	return []any{c.ID, c.Number, c.AccountID, nullStr(c.ContactID), c.Subject, c.Description, c.Category, c.Priority, string(c.Status),
		nullStr(c.AssigneeID), c.Channel, c.Solution, confirmed, c.CloseReason, c.MinutesSpent, c.Reopened, ms(c.OpenedAt),
		nullMS(c.RespondedAt), nullMS(c.ResolvedAt), nullMS(c.ClosedAt), k.FirstResponseTarget.Milliseconds(), k.ResolutionTarget.Milliseconds(),
		k.ResolutionPaused.Milliseconds(), nullMS(k.ResolutionPausedAt), ms(k.FirstResponseDue), nullMS(k.ResolutionDue),
		dueAt(c), atRiskAt(c), c.Clocks.Alerts, ms(c.CreatedAt), ms(c.UpdatedAt)}
}

// noDeadline sorts cases without a deadline after every other.
const noDeadline = int64(1) << 62

// dueAt is the sort key of a case's next deadline (cases.Case.NextDeadline).
func dueAt(c cases.Case) int64 {
	if at, _ := c.NextDeadline(); !at.IsZero() {
		return ms(at)
	}
	return noDeadline
}

// InsertCase adds a case.
func (tx *Tx) InsertCase(ctx context.Context, c cases.Case) error {
	_, err := tx.exec(ctx, `INSERT INTO cases (`+caseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
		$16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, 1)`, caseArgs(c)...)
	return err
}

// UpdateCase writes a case if its version is still expected.
func (tx *Tx) UpdateCase(ctx context.Context, c cases.Case, expected int64) error {
	args := append(caseArgs(c), expected)
	res, err := tx.exec(ctx, `UPDATE cases SET number = $2, account_id = $3, contact_id = $4, subject = $5, description = $6, category = $7,
		priority = $8, status = $9, assignee_id = $10, channel = $11, solution = $12, confirmed = $13, close_reason = $14, minutes_spent = $15,
		reopened = $16, opened_at = $17, responded_at = $18, resolved_at = $19, closed_at = $20, fr_target_ms = $21, res_target_ms = $22,
		res_paused_ms = $23, res_paused_at = $24, fr_due_at = $25, res_due_at = $26, due_at = $27, at_risk_at = $28, sla_alerts = $29,
		created_at = $30, updated_at = $31, version = version + 1 WHERE id = $1 AND version = $32`, args...)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "case")
}

// SetCaseAlerts records which SLA alerts a case has had. It is not a
// change to the case, so its version stays.
func (tx *Tx) SetCaseAlerts(ctx context.Context, id string, alerts int) error {
	_, err := tx.exec(ctx, `UPDATE cases SET sla_alerts = $1 WHERE id = $2`, alerts, id)
	return err
}

func atRiskAt(c cases.Case) int64 {
	if c.Clocks.AtRiskAt.IsZero() {
		return noDeadline
	}
	return ms(c.Clocks.AtRiskAt)
}

// Case returns a case by id.
func (q q) Case(ctx context.Context, id string) (cases.Case, error) {
	c, err := scanCase(q.row(ctx, `SELECT `+caseCols+` FROM cases WHERE id = $1`, id))
	return c, notFound(err, "case")
}

// CaseFilter narrows the case list.
type CaseFilter struct {
	AccountID  string
	OwnerID    string // cases at the accounts this user owns
	AssigneeID string
	Category   string
	Statuses   []cases.Status // empty: every status
	Newest     bool           // newest first instead of queue order (for finished cases)
	SLAState   string         // on_track, at_risk or breached at Now
	Now        time.Time
	Unassigned bool // only cases nobody is assigned to
	// Only cases resolved in [ResolvedFrom, ResolvedTo), or closed from
	// ClosedFrom on; zero times leave a bound open.
	ResolvedFrom, ResolvedTo, ClosedFrom time.Time
	Unconfirmed                          bool // only cases closed without the customer's confirmation
	// WithPromiseDue keeps the cases of accounts with a promise still to
	// be kept that is due within promise.DueSoon of Now, or overdue.
	WithPromiseDue bool
}

func (f CaseFilter) where() where {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.OwnerID != "" {
		w.add("account_id IN (SELECT id FROM accounts WHERE owner_id = ?)", f.OwnerID)
	}
	if f.AssigneeID != "" {
		w.add("assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		w.conds = append(w.conds, "assignee_id IS NULL")
	}
	if f.Category != "" {
		w.add("category = ?", f.Category)
	}
	switch f.SLAState {
	case "breached":
		w.add("due_at <= ?", ms(f.Now))
	case "at_risk":
		w.add("at_risk_at <= ? AND due_at > ?", ms(f.Now), ms(f.Now))
	case "on_track":
		w.add("at_risk_at > ? AND due_at <> ?", ms(f.Now), noDeadline)
	}
	if !f.ResolvedFrom.IsZero() {
		w.add("resolved_at >= ?", ms(f.ResolvedFrom))
	}
	if !f.ResolvedTo.IsZero() {
		w.add("resolved_at < ?", ms(f.ResolvedTo))
	}
	if !f.ClosedFrom.IsZero() {
		w.add("closed_at >= ?", ms(f.ClosedFrom))
	}
	if f.Unconfirmed {
		w.conds = append(w.conds, "confirmed = 0")
	}
	if len(f.Statuses) > 0 {
		w.conds = append(w.conds, "status IN ("+placeholders(&w, f.Statuses)+")")
	}
	if f.WithPromiseDue {
		w.add("account_id IN (SELECT account_id FROM promises WHERE status IN ('open', 'overdue') AND due_at <= ?)", ms(f.Now.Add(promise.DueSoon)))
	}
	return w
}

// CountCases counts the cases Cases would list.
func (q q) CountCases(ctx context.Context, f CaseFilter) (int, error) {
	w := f.where()
	var n int
	err := q.row(ctx, `SELECT count(*) FROM cases`+w.String(), w.args...).Scan(&n)
	return n, err
}

// Load is the unfinished cases one assignee holds ("" for nobody), and
// how many of them are past their next deadline or at risk at now.
type Load struct {
	AssigneeID       string
	Open             int
	Breached, AtRisk int
}

// unfinishedLiterally names the unfinished states as the partial index
// cases_open does, so that a query can use it.
var unfinishedLiterally = func() string {
	q := make([]string, len(cases.Unfinished))
	for i, s := range cases.Unfinished {
		q[i] = "'" + string(s) + "'"
	}
	return "status IN (" + strings.Join(q, ", ") + ")"
}()

// Loads sums the unfinished cases by assignee in one pass over the index
// of unfinished cases, with the SLA states of CaseFilter.SLAState.
func (q q) Loads(ctx context.Context, now time.Time) ([]Load, error) {
	var w where
	w.conds = append(w.conds, unfinishedLiterally)
	t := w.next(ms(now))
	rows, err := q.query(ctx, `SELECT coalesce(assignee_id, ''), count(*), sum(CASE WHEN due_at <= `+t+` THEN 1 ELSE 0 END),
		sum(CASE WHEN at_risk_at <= `+t+` AND due_at > `+t+` THEN 1 ELSE 0 END) FROM cases`+w.String()+` GROUP BY assignee_id`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Load
	for rows.Next() {
		var l Load
		if err := rows.Scan(&l.AssigneeID, &l.Open, &l.Breached, &l.AtRisk); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

func breachedByAccount(now time.Time, limit int) (string, []any) {
	w := CaseFilter{Statuses: cases.Unfinished, SLAState: "breached", Now: now}.where()
	return `WITH breached AS MATERIALIZED (SELECT account_id FROM cases` + w.String() + `)
		SELECT account_id, count(*) AS n FROM breached GROUP BY account_id ORDER BY n DESC, account_id LIMIT ` + w.next(limit), w.args
}

// AccountCount is a number of cases at one account.
type AccountCount struct {
	AccountID string
	Cases     int
}

// BreachedByAccount lists the accounts with the most unfinished cases
// past their next deadline at now, most first. The cases past their
// deadline are found first, a range of the queue's index (cases_queue
// holds the deadline, state and account), and only they are counted: left
// to itself, SQLite's planner, statistics or not, prefers to read every
// case in account order to save the grouping a sort (docs/adr/0030).
func (q q) BreachedByAccount(ctx context.Context, now time.Time, limit int) ([]AccountCount, error) {
	query, args := breachedByAccount(now, limit)
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AccountCount
	for rows.Next() {
		var c AccountCount
		if err := rows.Scan(&c.AccountID, &c.Cases); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Cases lists cases in queue order: the soonest resolution due first, then
// paused and finished cases.
func (q q) Cases(ctx context.Context, f CaseFilter, p Page) ([]cases.Case, string, error) {
	w := f.where()
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	// Queue order: the next deadline, cases without one (paused, finished)
	// last; or newest first.
	order := ` ORDER BY due_at, id`
	switch {
	case f.Newest:
		order = ` ORDER BY id DESC`
		if c != nil {
			w.add("id < ?", c.ID)
		}
	case c != nil:
		w.add("(due_at, id) > (?, ?)", c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+caseCols+` FROM cases`+w.String()+order+` LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanCase)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: dueAt(out[n-1]), ID: out[n-1].ID}.String()
	}
	return out, next, nil
}

// Comment is a note on a case: internal, or written to the customer.
type Comment struct {
	ID        string    `json:"id"`
	CaseID    string    `json:"case_id"`
	AuthorID  string    `json:"author_id"`
	Body      string    `json:"body"`
	Internal  bool      `json:"internal"`
	Minutes   int       `json:"minutes"`
	CreatedAt time.Time `json:"created_at"`
}

// InsertComment adds a comment.
func (tx *Tx) InsertComment(ctx context.Context, c Comment) error {
	_, err := tx.exec(ctx, `INSERT INTO case_comments (id, case_id, author_id, body, internal, minutes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		c.ID, c.CaseID, c.AuthorID, c.Body, boolInt(c.Internal), c.Minutes, ms(c.CreatedAt))
	return err
}

// Comments lists a case's comments, oldest first.
func (q q) Comments(ctx context.Context, caseID string) ([]Comment, error) {
	rows, err := q.query(ctx, `SELECT id, case_id, author_id, body, internal, minutes, created_at FROM case_comments WHERE case_id = $1 ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		var internal int
		var created int64
		if err := rows.Scan(&c.ID, &c.CaseID, &c.AuthorID, &c.Body, &internal, &c.Minutes, &created); err != nil {
			return nil, err
		}
		c.Internal, c.CreatedAt = internal == 1, fromMS(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClosedCount is how many cases an agent closed in a category, and how
// many of them the customer confirmed.
type ClosedCount struct {
	AssigneeID string
	Category   string
	Closed     int
	Confirmed  int
}

// ClosedCounts counts the cases closed in [from, to) by assignee and category.
func (q q) ClosedCounts(ctx context.Context, from, to time.Time) ([]ClosedCount, error) {
	rows, err := q.query(ctx, `SELECT COALESCE(assignee_id, ''), category, COUNT(*), COALESCE(SUM(confirmed), 0) FROM cases
		WHERE status = 'closed' AND closed_at >= $1 AND closed_at < $2 GROUP BY assignee_id, category ORDER BY 1, 2`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ClosedCount
	for rows.Next() {
		var c ClosedCount
		if err := rows.Scan(&c.AssigneeID, &c.Category, &c.Closed, &c.Confirmed); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CasesWithMomentsBetween lists the cases whose next deadline goes at risk
// or runs out in (from, to].
func (q q) CasesWithMomentsBetween(ctx context.Context, from, to time.Time) ([]string, error) {
	rows, err := q.query(ctx, `SELECT id FROM cases WHERE at_risk_at > $1 AND at_risk_at <= $2
		UNION SELECT id FROM cases WHERE due_at > $1 AND due_at <= $2`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Category is a heading cases are filed under.
type Category struct {
	Name   string `json:"name"`
	Active bool   `json:"active"`
}

// Categories lists the case categories by name.
func (q q) Categories(ctx context.Context) ([]Category, error) {
	rows, err := q.query(ctx, `SELECT name, active FROM case_categories ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		var active int
		if err := rows.Scan(&c.Name, &active); err != nil {
			return nil, err
		}
		c.Active = active == 1
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCategory adds a category or changes whether it is in use.
func (tx *Tx) SaveCategory(ctx context.Context, c Category, now time.Time) error {
	_, err := tx.exec(ctx, `INSERT INTO case_categories (name, active, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET active = $2`, c.Name, boolInt(c.Active), ms(now))
	return err
}

// UnfinishedCases lists up to limit unfinished cases in id order, from
// the first after afterID ("" from the start): a walk over every case
// still being worked on, a batch at a time.
func (q q) UnfinishedCases(ctx context.Context, afterID string, limit int) ([]cases.Case, error) {
	var w where
	w.conds = append(w.conds, unfinishedLiterally)
	w.add("id > ?", afterID)
	rows, err := q.query(ctx, `SELECT `+caseCols+` FROM cases`+w.String()+` ORDER BY id LIMIT `+w.next(limit), w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCase)
}
