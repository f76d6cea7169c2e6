package store

import (
	"context"
	"database/sql"
	"time"

	"tandem/internal/inbox"
)

// InsertNotification adds a notification to an inbox.
func (tx *Tx) InsertNotification(ctx context.Context, n inbox.Notification) error {
	_, err := tx.exec(ctx, `INSERT INTO notifications (id, recipient_id, kind, subject_type, subject_id, account_id, message, url, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, n.ID, n.RecipientID, n.Kind, n.SubjectType, n.SubjectID, n.AccountID, n.Message, n.URL, ms(n.CreatedAt))
	return err
}

// NotificationFilter narrows a person's notifications.
type NotificationFilter struct {
	UnreadOnly bool
	AccountID  string // one account's only
	Kind       string // one kind only
}

// Notifications lists a recipient's notifications, newest first.
func (q q) Notifications(ctx context.Context, recipientID string, f NotificationFilter, p Page) ([]inbox.Notification, string, error) {
	var w where
	w.add("recipient_id = ?", recipientID)
	if f.UnreadOnly {
		w.add("read_at IS NULL")
	}
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(created_at, id) < (?, ?)", c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT id, recipient_id, kind, subject_type, subject_id, account_id, message, url, created_at, read_at
		FROM notifications`+w.String()+` ORDER BY created_at DESC, id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []inbox.Notification
	for rows.Next() {
		var x inbox.Notification
		var created int64
		var read sql.NullInt64
		if err := rows.Scan(&x.ID, &x.RecipientID, &x.Kind, &x.SubjectType, &x.SubjectID, &x.AccountID, &x.Message, &x.URL, &created, &read); err != nil {
			return nil, "", err
		}
		x.CreatedAt, x.ReadAt = fromMS(created), fromNullMS(read)
		out = append(out, x)
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: ms(out[n-1].CreatedAt), ID: out[n-1].ID}.String()
	}
	return out, next, rows.Err()
}

// UnreadCount counts a recipient's unread notifications.
func (q q) UnreadCount(ctx context.Context, recipientID string) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`, recipientID).Scan(&n)
	return n, err
}

// MarkRead marks a recipient's unread notifications read: the one with id,
// or when id is "" all of them created up to upTo (all when upTo is zero).
func (tx *Tx) MarkRead(ctx context.Context, recipientID, id string, upTo, now time.Time) (int64, error) {
	limit := int64(1) << 62
	if !upTo.IsZero() {
		limit = ms(upTo)
	}
	res, err := tx.exec(ctx, `UPDATE notifications SET read_at = $1 WHERE recipient_id = $2 AND read_at IS NULL AND ($3 = '' OR id = $3) AND created_at <= $4`,
		ms(now), recipientID, id, limit)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Managers lists the active managers, who hear of accounts without an owner.
func (q q) Managers(ctx context.Context) ([]string, error) {
	rows, err := q.query(ctx, `SELECT id FROM users WHERE role = 'manager' AND active = 1 ORDER BY id`)
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

// EmailPrefs returns the kinds a user has chosen for, and whether by email.
func (q q) EmailPrefs(ctx context.Context, userID string) (map[string]bool, error) {
	rows, err := q.query(ctx, `SELECT kind, email FROM notification_prefs WHERE user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var kind string
		var email int
		if err := rows.Scan(&kind, &email); err != nil {
			return nil, err
		}
		out[kind] = email == 1
	}
	return out, rows.Err()
}

// SetEmailPref records whether a user wants a kind by email.
func (tx *Tx) SetEmailPref(ctx context.Context, userID, kind string, email bool) error {
	_, err := tx.exec(ctx, `INSERT INTO notification_prefs (user_id, kind, email) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, kind) DO UPDATE SET email = $3`, userID, kind, boolInt(email))
	return err
}
