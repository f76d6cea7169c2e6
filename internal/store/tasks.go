package store

import (
	"context"
	"database/sql"
	"time"

	"tandem/internal/task"
)

const taskCols = `id, kind, title, notes, owner_id, account_id, cause_type, cause_id, due_at, status, created_by, created_at, updated_at,
	done_at, done_by, cancelled_at, version`

func scanTask(sc interface{ Scan(...any) error }) (task.Task, error) {
	var t task.Task
	var account, createdBy, doneBy sql.NullString
	var kind, status string
	var due, created, updated int64
	var done, cancelled sql.NullInt64
	err := sc.Scan(&t.ID, &kind, &t.Title, &t.Notes, &t.OwnerID, &account, &t.Cause.Type, &t.Cause.ID, &due, &status, &createdBy,
		&created, &updated, &done, &doneBy, &cancelled, &t.Version)
	t.Kind, t.AccountID, t.CreatedBy, t.DoneBy = task.Kind(kind), account.String, createdBy.String, doneBy.String
	t.DueAt, t.CreatedAt, t.UpdatedAt = fromMS(due), fromMS(created), fromMS(updated)
	t.DoneAt, t.CancelledAt = fromNullMS(done), fromNullMS(cancelled)
	return t, err
}

func taskArgs(t task.Task) []any {
	return []any{t.ID, string(t.Kind), t.Title, t.Notes, t.OwnerID, nullStr(t.AccountID), t.Cause.Type, t.Cause.ID, ms(t.DueAt),
		string(t.Status()), nullStr(t.CreatedBy), ms(t.CreatedAt), ms(t.UpdatedAt), nullMS(t.DoneAt), nullStr(t.DoneBy), nullMS(t.CancelledAt)}
}

// InsertTask adds a task.
func (tx *Tx) InsertTask(ctx context.Context, t task.Task) error {
	_, err := tx.exec(ctx, `INSERT INTO tasks (`+taskCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1)`,
		taskArgs(t)...)
	return err
}

// UpdateTask writes a task if its version is still expected.
func (tx *Tx) UpdateTask(ctx context.Context, t task.Task, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE tasks SET kind = $2, title = $3, notes = $4, owner_id = $5, account_id = $6, cause_type = $7,
		cause_id = $8, due_at = $9, status = $10, created_by = $11, created_at = $12, updated_at = $13, done_at = $14, done_by = $15,
		cancelled_at = $16, version = version + 1 WHERE id = $1 AND version = $17`, append(taskArgs(t), expected)...)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "task")
}

// Task returns one task.
func (q q) Task(ctx context.Context, id string) (task.Task, error) {
	t, err := scanTask(q.row(ctx, `SELECT `+taskCols+` FROM tasks WHERE id = $1`, id))
	return t, notFound(err, "task")
}

// TaskFilter narrows the task list; the zero filter is every task.
type TaskFilter struct {
	OwnerID   string
	AccountID string
	// Status is open, done or cancelled; empty is any. Done tasks list
	// the most recently done first; the others by due time, the soonest
	// (so the overdue) first.
	Status    task.Status
	DueBefore time.Time // due strictly before; zero: whenever
	Cause     task.Cause
}

// Tasks lists tasks in the filter's order.
func (q q) Tasks(ctx context.Context, f TaskFilter, p Page) ([]task.Task, string, error) {
	w := taskWhere(f)
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	byDone := f.Status == task.Done
	order := "due_at, id"
	if byDone {
		order = "done_at DESC, id DESC"
	}
	if c != nil {
		if byDone {
			w.add("(done_at < ? OR (done_at = ? AND id < ?))", c.N, c.N, c.ID)
		} else {
			w.add("(due_at > ? OR (due_at = ? AND id > ?))", c.N, c.N, c.ID)
		}
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+taskCols+` FROM tasks`+w.String()+` ORDER BY `+order+` LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanTask)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		last := out[n-1]
		at := last.DueAt
		if byDone {
			at = last.DoneAt
		}
		next = cursor{N: ms(at), ID: last.ID}.String()
	}
	return out, next, nil
}

// CountTasks counts the tasks the filter names.
func (q q) CountTasks(ctx context.Context, f TaskFilter) (int, error) {
	w := taskWhere(f)
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM tasks`+w.String(), w.args...).Scan(&n)
	return n, err
}

func taskWhere(f TaskFilter) where {
	var w where
	if f.OwnerID != "" {
		w.add("owner_id = ?", f.OwnerID)
	}
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	if !f.DueBefore.IsZero() {
		w.add("due_at < ?", ms(f.DueBefore))
	}
	if f.Cause.Type != "" {
		w.add("cause_type = ?", f.Cause.Type)
	}
	if f.Cause.ID != "" {
		w.add("cause_id = ?", f.Cause.ID)
	}
	return w
}
