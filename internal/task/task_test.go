package task_test

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/fault"
	"tandem/internal/task"
)

func fields(err error) map[string]bool {
	out := map[string]bool{}
	if e, ok := fault.As(err); ok {
		for _, f := range e.Fields {
			out[f.Field] = true
		}
	}
	return out
}

func TestValidate(t *testing.T) {
	due := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	ok := task.Task{Title: "Call Contoso about the rebate", DueAt: due}
	ok.Normalize()
	if ok.Kind != task.Todo {
		t.Fatalf("the default kind: %q", ok.Kind)
	}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a plain task: %v", err)
	}
	for _, c := range []struct {
		name string
		t    task.Task
		want []string
	}{
		{"empty", task.Task{Kind: task.Todo}, []string{"title", "due_at"}},
		{"long", task.Task{Kind: task.Todo, Title: strings.Repeat("x", 201), Notes: strings.Repeat("y", 4001), DueAt: due}, []string{"title", "notes"}},
		{"odd kind", task.Task{Kind: "chore", Title: "x", DueAt: due}, []string{"kind"}},
		{"far", task.Task{Kind: task.Todo, Title: "x", DueAt: time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)}, []string{"due_at"}},
		{"cause type", task.Task{Kind: task.Todo, Title: "x", DueAt: due, Cause: task.Cause{Type: "invoice", ID: "1"}}, []string{"cause.type"}},
		{"cause id", task.Task{Kind: task.Todo, Title: "x", DueAt: due, Cause: task.Cause{Type: "case"}}, []string{"cause.id"}},
		{"id alone", task.Task{Kind: task.Todo, Title: "x", DueAt: due, Cause: task.Cause{ID: "1"}}, []string{"cause.type"}},
		{"follow-up", task.Task{Kind: task.FollowUp, Title: "x", DueAt: due}, []string{"account_id", "cause.type"}},
	} {
		got := fields(c.t.Validate())
		for _, w := range c.want {
			if !got[w] {
				t.Errorf("%s: no error on %s (%v)", c.name, w, got)
			}
		}
		if len(got) != len(c.want) {
			t.Errorf("%s: errors %v, want %v", c.name, got, c.want)
		}
	}
	fu := task.Task{Kind: task.FollowUp, Title: "Call: the three questions", AccountID: "a", DueAt: due, Cause: task.Cause{Type: task.CauseFollowUp, ID: "f"}}
	if err := fu.Validate(); err != nil {
		t.Fatalf("a follow-up: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	tk := task.Task{Title: "  Call \n Contoso ", Notes: "  two\nlines  ", Kind: " TODO ", Cause: task.Cause{Type: " Case ", ID: " 7 "},
		DueAt: time.Date(2026, 12, 3, 17, 0, 0, 123456789, time.FixedZone("CET", 3600))}
	tk.Normalize()
	if tk.Title != "Call Contoso" || tk.Notes != "two\nlines" || tk.Kind != task.Todo || tk.Cause != (task.Cause{Type: "case", ID: "7"}) ||
		tk.DueAt.Location() != time.UTC || tk.DueAt.Nanosecond() != 123000000 {
		t.Fatalf("normalized: %+v", tk)
	}
}

func TestLifecycle(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	tk := task.Task{Title: "x", DueAt: now.Add(-time.Hour)}
	if !tk.Open() || !tk.Overdue(now) || tk.Overdue(now.Add(-2*time.Hour)) {
		t.Fatalf("open and overdue: %+v", tk)
	}
	if err := tk.Reopen(); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("reopening an open task: %v", err)
	}
	if err := tk.Complete("sam", now); err != nil || tk.Status() != task.Done || tk.DoneBy != "sam" || tk.Overdue(now) {
		t.Fatalf("complete: %v %+v", err, tk)
	}
	if err := tk.Complete("sam", now); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("completing twice: %v", err)
	}
	if err := tk.Editable(); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("a done task changes: %v", err)
	}
	if err := tk.Cancel(now); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("cancelling a done task: %v", err)
	}
	if err := tk.Reopen(); err != nil || !tk.Open() || !tk.DoneAt.IsZero() || tk.DoneBy != "" {
		t.Fatalf("reopen: %v %+v", err, tk)
	}
	if err := tk.Cancel(now); err != nil || tk.Status() != task.Cancelled {
		t.Fatalf("cancel: %v %+v", err, tk)
	}
	for _, err := range []error{tk.Reopen(), tk.Complete("sam", now), tk.Cancel(now)} {
		if fault.KindOf(err) != fault.Conflict {
			t.Fatalf("a cancelled task: %v", err)
		}
	}
}
