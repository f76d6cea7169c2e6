package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/task"
)

// TaskOut is one thing one person is to do by a due time.
type TaskOut struct {
	ID          string      `json:"id"`
	Kind        string      `json:"kind" enum:"todo,follow_up" example:"todo" doc:"todo, or follow_up: a call to the account with the three follow-up questions"`
	Title       string      `json:"title" example:"Call Contoso about the rebate"`
	Notes       string      `json:"notes" example:"Ask whether the credit note arrived"`
	Status      string      `json:"status" enum:"open,done,cancelled" example:"open"`
	OwnerID     string      `json:"owner_id" doc:"Who is to do it"`
	AccountID   *string     `json:"account_id" doc:"The account it is at; null for a task of one's own"`
	Cause       *task.Cause `json:"cause" doc:"What it came from, a typed link; null when nothing"`
	DueAt       time.Time   `json:"due_at" example:"2026-12-03T17:00:00Z"`
	Overdue     bool        `json:"overdue" doc:"Open and past due_at"`
	CreatedBy   *string     `json:"created_by" doc:"Who added it; null when Tandem did (a follow-up)"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	DoneAt      *time.Time  `json:"done_at" doc:"When it was done; null while not"`
	DoneBy      *string     `json:"done_by" doc:"Who marked it done"`
	CancelledAt *time.Time  `json:"cancelled_at"`
	Version     int64       `json:"version"`
}

func taskOut(t task.Task, now time.Time) TaskOut {
	var cause *task.Cause
	if !t.Cause.IsZero() {
		c := t.Cause
		cause = &c
	}
	return TaskOut{ID: t.ID, Kind: string(t.Kind), Title: t.Title, Notes: t.Notes, Status: string(t.Status()), OwnerID: t.OwnerID,
		AccountID: optStr(t.AccountID), Cause: cause, DueAt: t.DueAt, Overdue: t.Overdue(now), CreatedBy: optStr(t.CreatedBy),
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, DoneAt: optTime(t.DoneAt), DoneBy: optStr(t.DoneBy), CancelledAt: optTime(t.CancelledAt),
		Version: t.Version}
}

type taskBody struct {
	ETag string `header:"ETag"`
	Body TaskOut
}

func (s *server) taskBody(t task.Task) *taskBody {
	return &taskBody{ETag: etag(t.Version), Body: taskOut(t, s.app.Now())}
}

// CauseIn names the record a task came from.
type CauseIn struct {
	Type string `json:"type" enum:"case,order,deal,promise,follow_up" example:"case"`
	ID   string `json:"id" maxLength:"100" example:"0190c9a4-1f2e-7c3d-9a8b-1c2d3e4f5a6b"`
}

func (s *server) registerTasks(api huma.API) {
	tag := "Tasks"
	register(api, op("list-tasks", http.MethodGet, "/api/v1/tasks",
		"Tasks: by default the caller's open ones by due time, the overdue first (done ones: the latest done first). "+
			"Anyone lists an account's tasks; another person's list (owner_id) is for managers and admins", tag),
		func(ctx context.Context, in *struct {
			ListParams
			OwnerID   string    `query:"owner_id" maxLength:"100" doc:"Whose tasks; default the caller's unless account_id is given"`
			AccountID string    `query:"account_id" maxLength:"100" doc:"The account's tasks"`
			Status    string    `query:"status" enum:"open,done,cancelled,all" default:"open"`
			DueBefore time.Time `query:"due_before" doc:"Only tasks due before this time (RFC 3339): now for the overdue ones"`
			CauseType string    `query:"cause_type" enum:"case,order,deal,promise,follow_up," doc:"Only tasks that came from this type of record"`
			CauseID   string    `query:"cause_id" maxLength:"100" doc:"Only tasks that came from this record"`
		}) (*struct{ Body List[TaskOut] }, error) {
			f := store.TaskFilter{OwnerID: in.OwnerID, AccountID: in.AccountID, DueBefore: in.DueBefore, Cause: task.Cause{Type: in.CauseType, ID: in.CauseID}}
			if in.Status != "all" {
				f.Status = task.Status(in.Status)
			}
			list, next, err := s.app.Tasks(ctx, actor(ctx), f, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			now := s.app.Now()
			out := &struct{ Body List[TaskOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]TaskOut, len(list)), next
			for i, t := range list {
				out.Body.Items[i] = taskOut(t, now)
			}
			return out, nil
		})

	register(api, op("create-task", http.MethodPost, "/api/v1/tasks",
		"Add a task, for oneself or for anyone (who is told: task_assigned). The account, when not given, is the cause's", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				Title     string    `json:"title" maxLength:"200" example:"Call Contoso about the rebate"`
				Notes     string    `json:"notes,omitempty" maxLength:"4000" text:"multiline" example:"Ask whether the credit note arrived"`
				Kind      string    `json:"kind,omitempty" enum:"todo,follow_up," example:"todo" doc:"Default todo; a follow_up needs an account and a follow_up cause"`
				OwnerID   string    `json:"owner_id,omitempty" maxLength:"100" doc:"Who is to do it; default the caller"`
				AccountID string    `json:"account_id,omitempty" maxLength:"100" doc:"The account it is at; default the cause's"`
				Cause     *CauseIn  `json:"cause,omitempty" doc:"What it came from"`
				DueAt     time.Time `json:"due_at" example:"2026-12-03T17:00:00Z" doc:"By when (RFC 3339)"`
			}
		}) (*taskBody, error) {
			b := in.Body
			t := task.Task{Title: b.Title, Notes: b.Notes, Kind: task.Kind(b.Kind), OwnerID: b.OwnerID, AccountID: b.AccountID, DueAt: b.DueAt}
			if b.Cause != nil {
				t.Cause = task.Cause{Type: b.Cause.Type, ID: b.Cause.ID}
			}
			out, err := s.app.CreateTask(ctx, actor(ctx), t)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.taskBody(out), nil
		})

	register(api, op("get-task", http.MethodGet, "/api/v1/tasks/{id}", "Get a task", tag),
		func(ctx context.Context, in *IDParam) (*taskBody, error) {
			t, err := s.app.Task(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.taskBody(t), nil
		})

	register(api, op("update-task", http.MethodPatch, "/api/v1/tasks/{id}",
		"Change an open task's title, notes, due time or owner (its owner, its creator, managers); a new owner is told", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Title   *string    `json:"title,omitempty" maxLength:"200" example:"Call Contoso about the rebate"`
				Notes   *string    `json:"notes,omitempty" maxLength:"4000" text:"multiline"`
				DueAt   *time.Time `json:"due_at,omitempty" example:"2026-12-04T12:00:00Z"`
				OwnerID *string    `json:"owner_id,omitempty" maxLength:"100" doc:"Give it to someone else"`
			}
		}) (*taskBody, error) {
			b := in.Body
			t, err := s.app.UpdateTask(ctx, actor(ctx), in.ID, app.TaskPatch{Title: b.Title, Notes: b.Notes, DueAt: b.DueAt, OwnerID: b.OwnerID},
				ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return s.taskBody(t), nil
		})

	move := op("move-task", http.MethodPost, "/api/v1/tasks/{id}/transitions",
		"Mark a task done (it goes on the account's timeline), open again, or cancelled (its owner, its creator, managers)", tag)
	move.DefaultStatus = http.StatusOK
	register(api, move, func(ctx context.Context, in *struct {
		IDParam
		Precondition
		Body struct {
			To string `json:"to" enum:"done,open,cancelled" example:"done" doc:"done: done now by the caller; open: reopen a done task; cancelled: no longer to be done"`
		}
	}) (*taskBody, error) {
		a, id, v := actor(ctx), in.ID, ifMatch(in.IfMatch)
		var t task.Task
		var err error
		switch strings.TrimSpace(in.Body.To) {
		case "done":
			t, err = s.app.CompleteTask(ctx, a, id, v)
		case "open":
			t, err = s.app.ReopenTask(ctx, a, id, v)
		case "cancelled":
			t, err = s.app.CancelTask(ctx, a, id, v)
		default:
			err = (&fault.Fields{{Field: "to", Message: "use one of: done, open, cancelled"}}).Err()
		}
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return s.taskBody(t), nil
	})
}
