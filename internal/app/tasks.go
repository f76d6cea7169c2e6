package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/store"
	"tandem/internal/task"
)

// CauseAccount finds the account of the record a task's cause names; it
// returns a fault.NotFound error when there is no such record.
type CauseAccount func(ctx context.Context, tx *store.Tx, id string) (accountID string, err error)

// causeAccounts checks each type of cause. A type without a checker (the
// follow-up, until the follow-up work registers one with
// RegisterCauseType) is taken as given.
var causeAccounts = map[string]CauseAccount{
	task.CauseCase: func(ctx context.Context, tx *store.Tx, id string) (string, error) {
		c, err := tx.Case(ctx, id)
		return c.AccountID, err
	},
	task.CauseOrder: func(ctx context.Context, tx *store.Tx, id string) (string, error) {
		o, err := tx.Order(ctx, id)
		return o.AccountID, err
	},
	task.CauseDeal: func(ctx context.Context, tx *store.Tx, id string) (string, error) {
		d, err := tx.Deal(ctx, id)
		return d.AccountID, err
	},
	task.CausePromise: func(ctx context.Context, tx *store.Tx, id string) (string, error) {
		p, err := tx.Promise(ctx, id)
		return p.AccountID, err
	},
}

// RegisterCauseType sets how a cause of a type is checked: call it from
// an init function of the package that owns the record.
func RegisterCauseType(causeType string, check CauseAccount) { causeAccounts[causeType] = check }

// taskSnapshot is what a task's event holds: the whole task (its
// sentence needs the title whatever changed) and the names its sentence
// needs, as they were then.
type taskSnapshot struct {
	task.Task
	Status      task.Status `json:"status"`
	AccountName string      `json:"account_name,omitempty"`
	OwnerName   string      `json:"owner_name"`
	FromOwnerID string      `json:"from_owner_id,omitempty"` // who it was given away from
}

// ownsTask reports whether a task is the actor's own: they are to do it,
// or they asked for it.
func ownsTask(actor access.Actor, t task.Task) bool {
	return actor.User.ID != "" && (t.OwnerID == actor.User.ID || t.CreatedBy == actor.User.ID)
}

func (a *App) recordTask(ctx context.Context, tx *store.Tx, actor access.Actor, now time.Time, kind string, before *task.Task, t task.Task, onTimeline bool) error {
	snap := func(t task.Task) (taskSnapshot, error) {
		s := taskSnapshot{Task: t, Status: t.Status()}
		if t.AccountID != "" {
			acc, err := tx.AccountOwner(ctx, t.AccountID)
			if err != nil {
				return s, err
			}
			s.AccountName = acc.Name
		}
		owner, err := tx.User(ctx, t.OwnerID)
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return s, err
		}
		s.OwnerName = owner.Name
		return s, nil
	}
	after, err := snap(t)
	if err != nil {
		return err
	}
	if before != nil && before.OwnerID != t.OwnerID {
		after.FromOwnerID = before.OwnerID
	}
	c := change{kind: kind, accountID: t.AccountID, subjectType: "task", subjectID: t.ID, team: teamOf(actor), after: after,
		offTimeline: !onTimeline || t.AccountID == ""}
	return a.record(ctx, tx, actor, now, c)
}

// CreateTask adds a task (anyone, for themselves or for anyone). Its
// owner is the actor unless given; a task given to someone else tells
// them (task_assigned).
func (a *App) CreateTask(ctx context.Context, actor access.Actor, t task.Task) (task.Task, error) {
	if err := actor.Require(access.CreateTasks, false); err != nil {
		return task.Task{}, err
	}
	var out task.Task
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.createTask(ctx, tx, actor, t)
		return err
	})
	return out, err
}

// createTask adds a task in the caller's transaction, for other app code
// (a follow-up trigger, a handover): the caller has checked the actor may
// (access.System may). The owner defaults to the actor, then to the
// account's owner; the account, when not given, is the cause's.
func (a *App) createTask(ctx context.Context, tx *store.Tx, actor access.Actor, t task.Task) (task.Task, error) {
	t.Normalize()
	now := a.Now()
	t.ID, t.CreatedBy, t.CreatedAt, t.UpdatedAt, t.Version = newID(), actor.User.ID, now, now, 1
	t.DoneAt, t.DoneBy, t.CancelledAt = time.Time{}, "", time.Time{}
	var f fault.Fields
	if check, ok := causeAccounts[t.Cause.Type]; ok && t.Cause.ID != "" && len(t.Cause.ID) <= 100 {
		accountID, err := check(ctx, tx, t.Cause.ID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			f.Add("cause.id", "no "+t.Cause.Type+" has this id")
		case err != nil:
			return task.Task{}, err
		case t.AccountID == "":
			t.AccountID = accountID
		case accountID != t.AccountID:
			f.Add("cause.id", "this "+t.Cause.Type+" belongs to another account")
		}
	}
	var acc customer.Account
	if t.AccountID != "" {
		var err error
		acc, err = tx.AccountOwner(ctx, t.AccountID)
		if fault.KindOf(err) == fault.NotFound {
			f.Add("account_id", "no account has this id")
		} else if err != nil {
			return task.Task{}, err
		}
	}
	if t.OwnerID == "" {
		t.OwnerID = actor.User.ID
	}
	if t.OwnerID == "" {
		t.OwnerID = acc.OwnerID
	}
	if err := t.Validate(); err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	if t.OwnerID == "" {
		f.Add("owner_id", "choose who is to do it")
	} else if err := activeUser(ctx, tx, t.OwnerID, &f); err != nil {
		return task.Task{}, err
	}
	if err := f.Err(); err != nil {
		return task.Task{}, err
	}
	if err := tx.InsertTask(ctx, t); err != nil {
		return task.Task{}, err
	}
	if err := a.recordTask(ctx, tx, actor, now, "task.created", nil, t, false); err != nil {
		return task.Task{}, err
	}
	return t, a.tellAssigned(ctx, tx, actor, t, acc)
}

// activeUser checks that id names an active user, filing a problem under
// owner_id when it does not.
func activeUser(ctx context.Context, tx *store.Tx, id string, f *fault.Fields) error {
	u, err := tx.User(ctx, id)
	switch {
	case fault.KindOf(err) == fault.NotFound:
		f.Add("owner_id", "no user has this id")
	case err != nil:
		return err
	case !u.Active:
		f.Add("owner_id", "this user is deactivated: choose someone active")
	}
	return nil
}

// tellAssigned tells a task's owner someone else gave it to them. A task
// Tandem made itself (a follow-up's call) is not news: it is on their
// list, and a bulk trigger would otherwise send one notice per task.
func (a *App) tellAssigned(ctx context.Context, tx *store.Tx, actor access.Actor, t task.Task, acc customer.Account) error {
	if t.OwnerID == actor.User.ID || actor.User.ID == "" {
		return nil
	}
	msg := actorName(actor) + " gave you a task: “" + t.Title + "”, due " + t.DueAt.In(a.Zone()).Format("Mon 2 Jan 15:04")
	if acc.Name != "" {
		msg = acc.Name + ": " + msg
	}
	return a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.TaskAssigned, SubjectType: "task", SubjectID: t.ID, AccountID: t.AccountID,
		URL: "/tasks/" + t.ID, Message: msg}, t.OwnerID)
}

// Task returns one task: a task at an account to anyone who reads
// records, one without an account to its owner, its creator and managers.
func (a *App) Task(ctx context.Context, actor access.Actor, id string) (task.Task, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return task.Task{}, err
	}
	t, err := a.store.Task(ctx, id)
	if err != nil {
		return task.Task{}, err
	}
	if t.AccountID == "" && !ownsTask(actor, t) {
		if err := actor.Require(access.ReadTeamTasks, false); err != nil {
			return task.Task{}, err
		}
	}
	return t, nil
}

// Tasks lists tasks: with neither an owner nor an account, the actor's
// own. Anyone lists an account's tasks and their own; someone else's
// list needs access.ReadTeamTasks (managers).
func (a *App) Tasks(ctx context.Context, actor access.Actor, f store.TaskFilter, p store.Page) ([]task.Task, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	if f.Status != "" && !slices.Contains(task.Statuses, f.Status) {
		return nil, "", (&fault.Fields{{Field: "status", Message: "use one of: open, done, cancelled"}}).Err()
	}
	if f.OwnerID == "" && f.AccountID == "" {
		f.OwnerID = actor.User.ID
	}
	if f.OwnerID != "" && f.OwnerID != actor.User.ID && f.AccountID == "" {
		if err := actor.Require(access.ReadTeamTasks, false); err != nil {
			return nil, "", err
		}
	}
	return a.store.Tasks(ctx, f, p)
}

// MyOpenTasks lists the actor's open tasks by due time, the overdue first.
func (a *App) MyOpenTasks(ctx context.Context, actor access.Actor, limit int) ([]task.Task, error) {
	list, _, err := a.Tasks(ctx, actor, store.TaskFilter{OwnerID: actor.User.ID, Status: task.Open}, store.Page{Limit: limit})
	return list, err
}

// TaskPatch is a change to a task; nil fields stay as they are.
type TaskPatch struct {
	Title   *string
	Notes   *string
	DueAt   *time.Time
	OwnerID *string // giving it to someone else tells them
}

// changeTask loads a task the actor may change, checks the version they
// read (0: any), applies fn and writes the task with its event.
func (a *App) changeTask(ctx context.Context, actor access.Actor, id string, version int64, kind string, onTimeline bool,
	fn func(tx *store.Tx, t *task.Task, now time.Time) error) (task.Task, error) {
	var out task.Task
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Task(ctx, id)
		if err != nil {
			return err
		}
		if err := actor.Require(access.EditTasks, ownsTask(actor, before)); err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("task")
		}
		t, now := before, a.Now()
		if err := fn(tx, &t, now); err != nil {
			return err
		}
		t.UpdatedAt, t.Version = now, before.Version+1
		if err := tx.UpdateTask(ctx, t, before.Version); err != nil {
			return err
		}
		out = t
		return a.recordTask(ctx, tx, actor, now, kind, &before, t, onTimeline)
	})
	return out, err
}

// MayChangeTask says whether the actor may change a task (nil) or why
// not, for a form that reads what was typed before it changes the task.
func (a *App) MayChangeTask(ctx context.Context, actor access.Actor, id string) error {
	t, err := a.store.Task(ctx, id)
	if err != nil {
		return err
	}
	return actor.Require(access.EditTasks, ownsTask(actor, t))
}

// UpdateTask changes an open task's title, notes, due time or owner (its
// owner, its creator, managers, admins). A new owner is told.
func (a *App) UpdateTask(ctx context.Context, actor access.Actor, id string, patch TaskPatch, version int64) (task.Task, error) {
	return a.changeTask(ctx, actor, id, version, "task.updated", false, func(tx *store.Tx, t *task.Task, now time.Time) error {
		if err := t.Editable(); err != nil {
			return err
		}
		was := t.OwnerID
		if patch.Title != nil {
			t.Title = *patch.Title
		}
		if patch.Notes != nil {
			t.Notes = *patch.Notes
		}
		if patch.DueAt != nil {
			t.DueAt = *patch.DueAt
		}
		var f fault.Fields
		if patch.OwnerID != nil {
			t.OwnerID = strings.TrimSpace(*patch.OwnerID)
			if t.OwnerID == "" {
				f.Add("owner_id", "choose who is to do it")
			} else if t.OwnerID != was {
				if err := activeUser(ctx, tx, t.OwnerID, &f); err != nil {
					return err
				}
			}
		}
		t.Normalize()
		if err := t.Validate(); err != nil {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
		if err := f.Err(); err != nil {
			return err
		}
		if t.OwnerID == was {
			return nil
		}
		var acc customer.Account
		if t.AccountID != "" {
			var err error
			if acc, err = tx.AccountOwner(ctx, t.AccountID); err != nil {
				return err
			}
		}
		return a.tellAssigned(ctx, tx, actor, *t, acc)
	})
}

// CompleteTask marks an open task done by the actor now (its owner, its
// creator, managers, admins); it is on the account's timeline. version is
// the one the caller read (0: any).
func (a *App) CompleteTask(ctx context.Context, actor access.Actor, id string, version int64) (task.Task, error) {
	return a.changeTask(ctx, actor, id, version, "task.completed", true, func(_ *store.Tx, t *task.Task, now time.Time) error {
		return t.Complete(actor.User.ID, now)
	})
}

// ReopenTask makes a done task open again (marked done by mistake).
func (a *App) ReopenTask(ctx context.Context, actor access.Actor, id string, version int64) (task.Task, error) {
	return a.changeTask(ctx, actor, id, version, "task.reopened", true, func(_ *store.Tx, t *task.Task, _ time.Time) error {
		return t.Reopen()
	})
}

// CancelTask marks an open task as no longer to be done.
func (a *App) CancelTask(ctx context.Context, actor access.Actor, id string, version int64) (task.Task, error) {
	return a.changeTask(ctx, actor, id, version, "task.cancelled", false, func(_ *store.Tx, t *task.Task, now time.Time) error {
		return t.Cancel(now)
	})
}
