package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tandem/internal/event"
)

// AppendEvent writes an event; onTimeline is false for events whose subject
// already shows on the timeline itself (a logged interaction).
func (tx *Tx) AppendEvent(ctx context.Context, e event.Event, onTimeline bool) error {
	_, err := tx.exec(ctx, `INSERT INTO events (id, at, actor_id, account_id, subject_type, subject_id, kind, team, on_timeline, before_json, after_json)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.ID, ms(e.At), e.ActorID, e.AccountID, e.SubjectType, e.SubjectID, e.Kind, e.Team, boolInt(onTimeline), rawJSON(e.Before), rawJSON(e.After))
	return err
}

func rawJSON(b []byte) sql.NullString { return sql.NullString{String: string(b), Valid: b != nil} }

const eventCols = `id, at, actor_id, account_id, subject_type, subject_id, kind, team, before_json, after_json`

func scanEvent(sc interface{ Scan(...any) error }) (event.Event, error) { return scanEventWith(sc) }

// scanEventWith scans the event columns and then any extra columns.
func scanEventWith(sc interface{ Scan(...any) error }, extra ...any) (event.Event, error) {
	var e event.Event
	var at int64
	var before, after sql.NullString
	err := sc.Scan(append([]any{&e.ID, &at, &e.ActorID, &e.AccountID, &e.SubjectType, &e.SubjectID, &e.Kind, &e.Team, &before, &after}, extra...)...)
	e.At = fromMS(at)
	if before.Valid {
		e.Before = []byte(before.String)
	}
	if after.Valid {
		e.After = []byte(after.String)
	}
	return e, err
}

// Timeline returns a page of an account's timeline, newest first: its
// interactions (by when they happened) and its other events (by when they
// were recorded), merged. Each source is read in index order with a limit,
// so the cost is the page size, not the account's history.
func (q q) Timeline(ctx context.Context, accountID string, f event.Filter, p Page) ([]event.Item, string, error) {
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	n := p.limit()
	page := func(timeCol, extra string) (where, string) {
		var w where
		w.add("account_id = ?", accountID)
		if extra != "" {
			w.add(extra)
		}
		if f.Team != "" {
			w.add("team = ?", f.Team)
		}
		if f.Kind != "" {
			w.add("kind = ?", f.Kind)
		}
		if c != nil {
			w.add("("+timeCol+", id) < (?, ?)", c.N, c.ID)
		}
		limit := w.next(n + 1)
		return w, ` ORDER BY ` + timeCol + ` DESC, id DESC LIMIT ` + limit
	}

	// An interaction kind ("touch") never names an event, and an event kind
	// ("account.updated") never an interaction: skip the source that cannot match.
	eventKind := strings.Contains(f.Kind, ".")
	var items []event.Item
	w, tail := page("occurred_at", "")
	if eventKind {
		w.add("1 = 0")
	}
	rows, err := q.query(ctx, `SELECT `+interactionCols+` FROM interactions`+w.String()+tail, w.args...)
	if err != nil {
		return nil, "", err
	}
	for rows.Next() {
		i, err := scanInteraction(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		items = append(items, event.Item{Type: "interaction", ID: i.ID, At: i.OccurredAt, Kind: i.Kind, Team: i.Team, ActorID: i.UserID, Interaction: &i})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}

	w, tail = page("at", "on_timeline = 1")
	if f.Kind != "" && !eventKind {
		w.add("1 = 0")
	}
	rows, err = q.query(ctx, `SELECT `+eventCols+` FROM events`+w.String()+tail, w.args...)
	if err != nil {
		return nil, "", err
	}
	var evs []event.Item
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			rows.Close()
			return nil, "", err
		}
		evs = append(evs, event.Item{Type: "event", ID: e.ID, At: e.At, Kind: e.Kind, Team: e.Team, ActorID: e.ActorID, Event: &e})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}

	merged := mergeNewestFirst(items, evs, n+1)
	next := ""
	if len(merged) > n {
		merged = merged[:n]
		last := merged[n-1]
		next = cursor{N: ms(last.At), ID: last.ID}.String()
	}
	return merged, next, nil
}

func newer(a, b event.Item) bool {
	if !a.At.Equal(b.At) {
		return a.At.After(b.At)
	}
	return a.ID > b.ID
}

func mergeNewestFirst(a, b []event.Item, n int) []event.Item {
	out := make([]event.Item, 0, min(n, len(a)+len(b)))
	for len(out) < n && (len(a) > 0 || len(b) > 0) {
		if len(b) == 0 || (len(a) > 0 && newer(a[0], b[0])) {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// ChangesOf lists the changes to a subject recorded after the event
// since, newest first: the events that hold earlier values (edits and
// removals).
func (q q) ChangesOf(ctx context.Context, subjectID, since string) ([]event.Event, error) {
	rows, err := q.query(ctx, `SELECT `+eventCols+` FROM events WHERE subject_id = $1 AND before_json IS NOT NULL AND id > $2 ORDER BY id DESC`,
		subjectID, since)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}

// AuditFilter narrows the event log.
type AuditFilter struct {
	ActorID   string
	AccountID string
	// AccountName is what someone typed to find an account by its name;
	// the app resolves it into AccountIDs (the store does not read it).
	AccountName string
	// AccountIDs, when not empty, keeps the events of these accounts.
	AccountIDs []string
	Kind       string
	From, To   time.Time
}

// Audit lists events, newest first. Event ids carry the event's time
// (UUIDv7 of its at), so the primary key orders the log in time without
// an index of its own on the write path.
func (q q) Audit(ctx context.Context, f AuditFilter, p Page) ([]event.Event, string, error) {
	var w where
	if f.ActorID != "" {
		w.add("actor_id = ?", f.ActorID)
	}
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if len(f.AccountIDs) > 0 {
		w.conds = append(w.conds, "account_id IN ("+placeholders(&w, f.AccountIDs)+")")
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", ms(f.To))
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("id < ?", c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+eventCols+` FROM events`+w.String()+` ORDER BY id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanEvent)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{ID: out[n-1].ID}.String()
	}
	return out, next, nil
}

// SubjectEvents lists the events of one subject (a deal, an order), the
// newest first, at most limit.
func (q q) SubjectEvents(ctx context.Context, subjectType, subjectID string, limit int) ([]event.Event, error) {
	rows, err := q.query(ctx, `SELECT `+eventCols+` FROM events WHERE subject_id = $1 AND subject_type = $2 ORDER BY id DESC LIMIT $3`,
		subjectID, subjectType, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanEvent)
}
