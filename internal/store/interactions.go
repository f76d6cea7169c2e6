package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tandem/internal/customer"
)

const interactionCols = `id, account_id, contact_id, user_id, team, channel, direction, kind, competitor, summary, body, outcome, occurred_at, created_at, updated_at, version`

// scanInteraction scans the interaction columns and then any extra columns.
func scanInteraction(sc interface{ Scan(...any) error }, extra ...any) (customer.Interaction, error) {
	var i customer.Interaction
	var contact, user sql.NullString
	var occurred, created, updated int64
	err := sc.Scan(append([]any{&i.ID, &i.AccountID, &contact, &user, &i.Team, &i.Channel, &i.Direction, &i.Kind, &i.Competitor,
		&i.Summary, &i.Body, &i.Outcome, &occurred, &created, &updated, &i.Version}, extra...)...)
	i.ContactID, i.UserID = contact.String, user.String
	i.OccurredAt, i.CreatedAt, i.UpdatedAt = fromMS(occurred), fromMS(created), fromMS(updated)
	return i, err
}

// Interaction returns an interaction by id.
func (q q) Interaction(ctx context.Context, id string) (customer.Interaction, error) {
	i, err := scanInteraction(q.row(ctx, `SELECT `+interactionCols+` FROM interactions WHERE id = $1`, id))
	return i, notFound(err, "interaction")
}

// InteractionFilter narrows the interaction list.
type InteractionFilter struct {
	AccountID string
	ContactID string
	Team      string
	Kind      string
}

// Interactions lists interactions, newest first.
func (q q) Interactions(ctx context.Context, f InteractionFilter, p Page) ([]customer.Interaction, string, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.ContactID != "" {
		w.add("contact_id = ?", f.ContactID)
	}
	if f.Team != "" {
		w.add("team = ?", f.Team)
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(occurred_at, id) < (?, ?)", c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+interactionCols+` FROM interactions`+w.String()+` ORDER BY occurred_at DESC, id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []customer.Interaction
	for rows.Next() {
		i, err := scanInteraction(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, i)
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		last := out[n-1]
		next = cursor{N: ms(last.OccurredAt), ID: last.ID}.String()
	}
	return out, next, rows.Err()
}

// InsertInteraction adds an interaction.
func (tx *Tx) InsertInteraction(ctx context.Context, i customer.Interaction) error {
	_, err := tx.exec(ctx, `INSERT INTO interactions (`+interactionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1)`,
		i.ID, i.AccountID, nullStr(i.ContactID), nullStr(i.UserID), i.Team, i.Channel, i.Direction, i.Kind, i.Competitor,
		i.Summary, i.Body, i.Outcome, ms(i.OccurredAt), ms(i.CreatedAt), ms(i.UpdatedAt))
	return err
}

// UpdateInteraction writes an interaction if its version is still expected.
func (tx *Tx) UpdateInteraction(ctx context.Context, i customer.Interaction, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE interactions SET account_id = $1, contact_id = $2, team = $3, channel = $4, direction = $5, kind = $6,
		competitor = $7, summary = $8, body = $9, outcome = $10, occurred_at = $11, updated_at = $12, version = version + 1
		WHERE id = $13 AND version = $14`,
		i.AccountID, nullStr(i.ContactID), i.Team, i.Channel, i.Direction, i.Kind, i.Competitor, i.Summary, i.Body, i.Outcome,
		ms(i.OccurredAt), ms(i.UpdatedAt), i.ID, expected)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "interaction")
}

// DeleteInteraction removes an interaction.
func (tx *Tx) DeleteInteraction(ctx context.Context, id string) error {
	_, err := tx.exec(ctx, `DELETE FROM interactions WHERE id = $1`, id)
	return err
}

// Signal is an interaction that may need the account owner's attention.
type Signal struct {
	Interaction customer.Interaction
	AccountName string
}

// Signals lists recent negative interactions and competitor quotes, at
// accounts of one owner when ownerID is set, newest first.
func (q q) Signals(ctx context.Context, ownerID string, since time.Time, limit int) ([]Signal, error) {
	var w where
	w.add("i.occurred_at >= ?", ms(since))
	w.add("(i.outcome = 'negative' OR i.kind = 'competitor_quote')")
	if ownerID != "" {
		w.add("a.owner_id = ?", ownerID)
	}
	lim := w.next(limit)
	rows, err := q.query(ctx, `SELECT i.id, i.account_id, i.contact_id, i.user_id, i.team, i.channel, i.direction, i.kind, i.competitor,
		i.summary, i.body, i.outcome, i.occurred_at, i.created_at, i.updated_at, i.version, a.name
		FROM interactions i JOIN accounts a ON a.id = i.account_id`+w.String()+` ORDER BY i.occurred_at DESC, i.id DESC LIMIT `+lim, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Signal
	for rows.Next() {
		var s Signal
		var err error
		if s.Interaction, err = scanInteraction(rows, &s.AccountName); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Quiet is an account nobody has touched for a while.
type Quiet struct {
	Account     customer.Account
	LastTouchAt time.Time // zero when never
}

// QuietAccounts lists an owner's accounts with no interaction since the
// given time, counting from its creation an account nobody has talked to
// yet, the most valuable tiers and the longest silences first.
func (q q) QuietAccounts(ctx context.Context, ownerID string, since time.Time, limit int) ([]Quiet, error) {
	rows, err := q.query(ctx, `SELECT `+prefixed("a.", accountCols)+`, MAX(i.occurred_at) AS last_at
		FROM accounts a LEFT JOIN interactions i ON i.account_id = a.id
		WHERE a.owner_id = $1
		GROUP BY `+prefixed("a.", accountCols)+`
		HAVING COALESCE(MAX(i.occurred_at), a.created_at) < $2
		ORDER BY CASE a.tier WHEN 'vip' THEN 0 WHEN 'gold' THEN 1 WHEN 'silver' THEN 2 ELSE 3 END, COALESCE(MAX(i.occurred_at), a.created_at), a.id
		LIMIT $3`, ownerID, ms(since), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Quiet
	for rows.Next() {
		var last sql.NullInt64
		a, err := scanAccount(rows, &last)
		if err != nil {
			return nil, err
		}
		out = append(out, Quiet{Account: a, LastTouchAt: fromNullMS(last)})
	}
	return out, rows.Err()
}

func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}
