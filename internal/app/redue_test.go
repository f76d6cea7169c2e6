package app_test

import (
	"context"
	"testing"
	"time"

	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/inbox"
	"tandem/internal/sla"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestCalendarAndPolicyChangesMoveOpenCasesDueTimes changes the policy's
// targets and the calendar's hours under an open and a finished case: the
// open case's due times move each time, the finished one's stay; the
// change that puts the open case past its deadline alerts its owner once,
// and the one that gives it time back clears that alert.
func TestCalendarAndPolicyChangesMoveOpenCasesDueTimes(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		at := func(hm string) time.Time {
			d, _ := time.ParseDuration(hm)
			return time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC).Add(d)
		}
		*f.clock = at("7h") // Monday 07:00, before office hours
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		open, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Pallets short", Priority: "urgent"})
		if err != nil {
			t.Fatal(err)
		}
		done, _ := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Invoice copy", Priority: "urgent"})
		f.tick(5 * time.Minute)
		if open, err = f.app.TransitionCase(ctx, f.service, open.ID, cases.Transition{To: cases.Open}, 0); err != nil {
			t.Fatal(err)
		}
		f.app.TransitionCase(ctx, f.service, done.ID, cases.Transition{To: cases.Open}, 0)
		if done, err = f.app.TransitionCase(ctx, f.service, done.ID, cases.Transition{To: cases.Resolved, Solution: "Sent"}, 0); err != nil {
			t.Fatal(err)
		}
		if want := at("17h"); !open.Clocks.ResolutionDue.Equal(want) {
			t.Fatalf("resolution due %v, want %v (8 h from 09:00)", open.Clocks.ResolutionDue, want)
		}
		*f.clock = at("12h")
		reread := func(c cases.Case) cases.Case {
			t.Helper()
			c, err := f.app.Case(ctx, f.service, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		breaches := func() int {
			t.Helper()
			list, _, err := f.app.Notifications(ctx, f.sales, store.NotificationFilter{}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range list {
				if m.Kind == inbox.SLABreached && m.SubjectID == open.ID {
					n++
				}
			}
			return n
		}

		// The policy's urgent resolution target goes from 8 h to 4 h.
		pol, _ := f.app.Policy(ctx, f.admin)
		pol.Spec.Targets["urgent"] = cases.TargetSpec{FirstResponse: "1h", Resolution: "4h"}
		if _, err := f.app.SavePolicy(ctx, f.admin, pol, pol.Version); err != nil {
			t.Fatal(err)
		}
		c := reread(open)
		if c.Clocks.ResolutionTarget != 4*time.Hour || !c.Clocks.ResolutionDue.Equal(at("13h")) || f.app.SLAOf(c).State == sla.Breached {
			t.Fatalf("after the policy change: target %v, due %v, %s", c.Clocks.ResolutionTarget, c.Clocks.ResolutionDue, f.app.SLAOf(c).State)
		}
		// Mondays now open at 05:00: the case has used 5 of its 4 hours.
		cal, _ := f.app.Calendar(ctx, f.admin)
		cal.Spec.Hours["monday"] = "05:00-17:00"
		if _, err := f.app.SaveCalendar(ctx, f.admin, cal, cal.Version); err != nil {
			t.Fatal(err)
		}
		c = reread(open)
		if !c.Clocks.ResolutionDue.Equal(at("11h")) || f.app.SLAOf(c).State != sla.Breached {
			t.Fatalf("after the calendar change: due %v, %s", c.Clocks.ResolutionDue, f.app.SLAOf(c).State)
		}
		if n := breaches(); n != 1 {
			t.Fatalf("the owner was told of the breach %d times", n)
		}
		// Saving again changes nothing and tells no one again.
		cal, _ = f.app.Calendar(ctx, f.admin)
		cal.Name = "Early Mondays"
		if _, err := f.app.SaveCalendar(ctx, f.admin, cal, cal.Version); err != nil {
			t.Fatal(err)
		}
		if again := reread(open); again.Version != c.Version || breaches() != 1 {
			t.Fatalf("an unchanged calendar rewrote the case (version %d, was %d) or told again (%d)", again.Version, c.Version, breaches())
		}
		// Back to 8 h: the case is on track again, and its breach alert no
		// longer holds, so a later breach is told.
		pol, _ = f.app.Policy(ctx, f.admin)
		pol.Spec.Targets["urgent"] = cases.TargetSpec{FirstResponse: "1h", Resolution: "8h"}
		if _, err := f.app.SavePolicy(ctx, f.admin, pol, pol.Version); err != nil {
			t.Fatal(err)
		}
		c = reread(open)
		if !c.Clocks.ResolutionDue.Equal(at("15h")) || f.app.SLAOf(c).State != sla.OnTrack || c.Clocks.Alerts&cases.AlertResolutionBreached != 0 {
			t.Fatalf("after 8 h again: due %v, %s, alerts %b", c.Clocks.ResolutionDue, f.app.SLAOf(c).State, c.Clocks.Alerts)
		}
		// The finished case kept what it had throughout.
		if d := reread(done); d.Version != done.Version || d.Clocks != done.Clocks && !sameTimes(d.Clocks, done.Clocks) {
			t.Fatalf("the resolved case changed: %+v, was %+v", d.Clocks, done.Clocks)
		}
	})
}

func sameTimes(a, b cases.Clocks) bool {
	return a.FirstResponseDue.Equal(b.FirstResponseDue) && a.ResolutionDue.Equal(b.ResolutionDue) && a.AtRiskAt.Equal(b.AtRiskAt) &&
		a.FirstResponseTarget == b.FirstResponseTarget && a.ResolutionTarget == b.ResolutionTarget
}

// TestEveryOpenCaseIsRedueWithoutAQueue saves a calendar over more open
// cases than one batch, with no job queue: every one of them moves.
func TestEveryOpenCaseIsRedueWithoutAQueue(t *testing.T) {
	s := storetest.SQLite(t)
	f := setup(t, s)
	ctx := context.Background()
	acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
	for range app.RedueBatch + 3 {
		if _, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Pallets short"}); err != nil {
			t.Fatal(err)
		}
	}
	cal, _ := f.app.Calendar(ctx, f.admin)
	cal.Spec.Hours["monday"] = "09:00-10:00"
	if _, err := f.app.SaveCalendar(ctx, f.admin, cal, cal.Version); err != nil {
		t.Fatal(err)
	}
	list, err := s.UnfinishedCases(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	// Normal: 4 h to the first response, from Monday 09:00: one hour on
	// Monday, three on Tuesday.
	want := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	for _, c := range list {
		if !c.Clocks.FirstResponseDue.Equal(want) {
			t.Fatalf("case #%d: first response due %v, want %v", c.Number, c.Clocks.FirstResponseDue, want)
		}
	}
	if len(list) != app.RedueBatch+3 {
		t.Fatalf("%d cases", len(list))
	}
}
