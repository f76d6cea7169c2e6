// Package task holds tasks: something one person is to do by a due time,
// usually at an account and usually because of something (a case, an
// order, a deal, a promise, a follow-up) that the task links back to.
// Later work reuses them (follow-up calls, handover introductions,
// meeting action items). Pure domain code: no SQL, no HTTP, no clock.
package task

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tandem/internal/fault"
)

// Kind is what sort of task it is.
type Kind string

// The kinds of task: a plain to-do, and a follow-up call with the three
// questions (its cause is the follow-up).
const (
	Todo     Kind = "todo"
	FollowUp Kind = "follow_up"
)

// Kinds lists every kind.
var Kinds = []Kind{Todo, FollowUp}

// Cause types: what a task can link back to.
const (
	CauseCase     = "case"
	CauseOrder    = "order"
	CauseDeal     = "deal"
	CausePromise  = "promise"
	CauseFollowUp = "follow_up"
)

// CauseTypes lists every type of cause.
var CauseTypes = []string{CauseCase, CauseOrder, CauseDeal, CausePromise, CauseFollowUp}

// Cause is what a task came from: a typed link to another record. The
// zero Cause is none.
type Cause struct {
	Type string `json:"type" enum:"case,order,deal,promise,follow_up," example:"case" doc:"What the task came from; empty when nothing"`
	ID   string `json:"id" example:"0190c9a4-1f2e-7c3d-9a8b-1c2d3e4f5a6b" doc:"The id of the record it came from"`
}

// IsZero reports whether the cause is none.
func (c Cause) IsZero() bool { return c.Type == "" && c.ID == "" }

// Status is where a task stands, derived from its times.
type Status string

// The statuses of a task.
const (
	Open      Status = "open"
	Done      Status = "done"
	Cancelled Status = "cancelled"
)

// Statuses lists every status.
var Statuses = []Status{Open, Done, Cancelled}

// Limits of a task's text, in characters.
const (
	MaxTitle = 200
	MaxNotes = 4000
)

// Task is one thing one person is to do by a due time.
type Task struct {
	ID          string    `json:"id"`
	Kind        Kind      `json:"kind"`
	Title       string    `json:"title"`
	Notes       string    `json:"notes"`
	OwnerID     string    `json:"owner_id"`
	AccountID   string    `json:"account_id"`
	Cause       Cause     `json:"cause"`
	DueAt       time.Time `json:"due_at"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	DoneAt      time.Time `json:"done_at"`
	DoneBy      string    `json:"done_by"`
	CancelledAt time.Time `json:"cancelled_at"`
	Version     int64     `json:"version"`
}

// Normalize trims a task's fields and drops what is finer than a
// millisecond from its due time.
func (t *Task) Normalize() {
	t.Title = strings.Join(strings.Fields(t.Title), " ")
	t.Notes = strings.TrimSpace(t.Notes)
	t.Kind = Kind(strings.ToLower(strings.TrimSpace(string(t.Kind))))
	if t.Kind == "" {
		t.Kind = Todo
	}
	t.OwnerID, t.AccountID = strings.TrimSpace(t.OwnerID), strings.TrimSpace(t.AccountID)
	t.Cause.Type, t.Cause.ID = strings.ToLower(strings.TrimSpace(t.Cause.Type)), strings.TrimSpace(t.Cause.ID)
	if !t.DueAt.IsZero() {
		t.DueAt = t.DueAt.UTC().Truncate(time.Millisecond)
	}
}

// Validate reports every field of a task that breaks a rule: a title, a
// due time, a known kind, a cause both typed and named or neither; a
// follow-up is at an account and comes from its follow-up.
func (t Task) Validate() error {
	var f fault.Fields
	switch n := utf8.RuneCountInString(t.Title); {
	case n == 0:
		f.Add("title", "say what is to be done, such as “Call Contoso about the rebate”")
	case n > MaxTitle:
		f.Add("title", fmt.Sprintf("keep the title under %d characters", MaxTitle))
	}
	if utf8.RuneCountInString(t.Notes) > MaxNotes {
		f.Add("notes", fmt.Sprintf("keep the notes under %d characters", MaxNotes))
	}
	if !slices.Contains(Kinds, t.Kind) {
		f.Add("kind", "use one of: "+kindNames())
	}
	if y := t.DueAt.Year(); t.DueAt.IsZero() {
		f.Add("due_at", "say by when it is to be done")
	} else if y < 2000 || y > 2200 {
		f.Add("due_at", "give a time between 2000 and 2200")
	}
	switch {
	case t.Cause.IsZero():
	case !slices.Contains(CauseTypes, t.Cause.Type):
		f.Add("cause.type", "use one of: "+strings.Join(CauseTypes, ", "))
	case t.Cause.ID == "":
		f.Add("cause.id", "name the "+strings.ReplaceAll(t.Cause.Type, "_", "-")+" the task came from")
	case len(t.Cause.ID) > 100:
		f.Add("cause.id", "an id is at most 100 characters")
	}
	if t.Kind == FollowUp {
		if t.AccountID == "" {
			f.Add("account_id", "a follow-up is a call to an account: choose it")
		}
		if t.Cause.Type != CauseFollowUp {
			f.Add("cause.type", "a follow-up task comes from its follow-up: cause type follow_up")
		}
	}
	return f.Err()
}

func kindNames() string {
	names := make([]string, len(Kinds))
	for i, k := range Kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Status says whether the task is open, done or cancelled.
func (t Task) Status() Status {
	switch {
	case !t.CancelledAt.IsZero():
		return Cancelled
	case !t.DoneAt.IsZero():
		return Done
	}
	return Open
}

// Open reports whether the task is still to be done.
func (t Task) Open() bool { return t.Status() == Open }

// Overdue reports whether an open task's due time has passed at now.
func (t Task) Overdue(now time.Time) bool { return t.Open() && t.DueAt.Before(now) }

// Complete marks an open task done by a user at now.
func (t *Task) Complete(by string, now time.Time) error {
	if err := t.mustBeOpen("completed"); err != nil {
		return err
	}
	t.DoneAt, t.DoneBy = now, by
	return nil
}

// Reopen makes a done task open again (marked done by mistake).
func (t *Task) Reopen() error {
	switch t.Status() {
	case Open:
		return fault.New(fault.Conflict, "this task is open already")
	case Cancelled:
		return fault.New(fault.Conflict, "this task was cancelled: a cancelled task does not reopen, add a new one")
	}
	t.DoneAt, t.DoneBy = time.Time{}, ""
	return nil
}

// Cancel marks an open task as no longer to be done at now.
func (t *Task) Cancel(now time.Time) error {
	if err := t.mustBeOpen("cancelled"); err != nil {
		return err
	}
	t.CancelledAt = now
	return nil
}

func (t Task) mustBeOpen(verb string) error {
	switch t.Status() {
	case Done:
		return fault.New(fault.Conflict, "this task was done already: a done task is not %s", verb)
	case Cancelled:
		return fault.New(fault.Conflict, "this task was cancelled: a cancelled task is not %s", verb)
	}
	return nil
}

// Editable says why a task may not be changed, or nil: only an open task
// changes.
func (t Task) Editable() error { return t.mustBeOpen("changed") }
