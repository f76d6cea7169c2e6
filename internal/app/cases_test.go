package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/sla"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func TestCaseLifeAndOwnerIsFirstToKnow(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind", Tier: "vip"}, false)
		// Monday 2 March 2026, 09:00 UTC: the default calendar is office hours in UTC.
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Pallets arrived short", Priority: "urgent"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Number != 1001 || c.Status != cases.New || c.Clocks.FirstResponseDue.Sub(c.OpenedAt) != 30*time.Minute ||
			c.Clocks.ResolutionDue.Sub(c.OpenedAt) != 4*time.Hour {
			t.Fatalf("opened: %+v", c)
		}
		if st := f.app.SLAOf(c).State; st != sla.OnTrack {
			t.Fatalf("new case: %s", st)
		}
		inboxOf := func(a access.Actor) []inbox.Notification {
			list, _, err := f.app.Notifications(ctx, a, store.NotificationFilter{UnreadOnly: true}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return list
		}
		got := inboxOf(f.sales)
		if len(got) != 1 || got[0].Kind != inbox.CaseOpened || got[0].URL != "/cases/"+c.ID {
			t.Fatalf("the owner was not told first: %+v", got)
		}
		if len(inboxOf(f.service)) != 0 {
			t.Fatal("the agent who opened the case was notified of it")
		}
		_, err = f.app.TransitionCase(ctx, f.sales, c.ID, cases.Transition{To: cases.Open}, 0)
		wantKind(t, err, fault.Forbidden)
		f.tick(20 * time.Minute)
		c, err = f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Open}, 1)
		if err != nil || c.RespondedAt.IsZero() {
			t.Fatalf("open: %v %+v", err, c)
		}
		f.tick(3 * time.Hour) // 3h20m of 4h: at risk
		if st := f.app.SLAOf(c).State; st != sla.AtRisk {
			t.Fatalf("after 3h20m of 4h: %s", st)
		}
		c, _ = f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.PendingCustomer}, 0)
		if !c.Clocks.ResolutionDue.IsZero() {
			t.Fatal("a paused clock has a due time")
		}
		f.tick(24 * time.Hour)
		if st := f.app.SLAOf(c).State; st != sla.AtRisk {
			t.Fatalf("the clock ran while waiting on the customer: %s", st)
		}
		c, _ = f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Open}, 0)
		if want := f.clock.Add(40 * time.Minute); !c.Clocks.ResolutionDue.Equal(want) {
			t.Fatalf("due after the pause %v, want %v", c.Clocks.ResolutionDue, want)
		}
		_, err = f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved}, 0)
		e := wantKind(t, err, fault.Invalid)
		if e.Fields[0].Field != "solution" {
			t.Fatalf("%+v", e)
		}
		c, err = f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved, Solution: "Sent the four missing units"}, 0)
		if err != nil || f.app.SLAOf(c).State != sla.Met {
			t.Fatalf("resolved: %v %s", err, f.app.SLAOf(c).State)
		}
		no := false
		if _, err := f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Closed, Confirmed: &no, Reason: "no answer"}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.CommentCase(ctx, f.service, c.ID, "Called twice, no answer", true, 15); err != nil {
			t.Fatal(err)
		}
		c, _ = f.app.Case(ctx, f.sales, c.ID)
		if c.MinutesSpent != 15 || c.Status != cases.Closed || *c.Confirmed {
			t.Fatalf("closed: %+v", c)
		}
		kinds := map[string]int{}
		for _, n := range inboxOf(f.sales) {
			kinds[n.Kind]++
		}
		if kinds[inbox.CaseClosedUnconfirmed] != 1 {
			t.Fatalf("inbox: %v", kinds)
		}
		// A competitor quote and a bad call reach the owner too; reading clears the count.
		f.app.LogInteraction(ctx, f.service, customer.Interaction{AccountID: acc.ID, Channel: "phone", Direction: "in", Kind: customer.CompetitorQuote, Competitor: "Globex", Summary: "Globex is cheaper"})
		f.app.LogInteraction(ctx, f.service, customer.Interaction{AccountID: acc.ID, Channel: "phone", Direction: "in", Outcome: "negative", Summary: "Angry about delays"})
		if n, _ := f.app.UnreadCount(ctx, f.sales); n != 4 {
			t.Fatalf("unread %d, want 4", n)
		}
		list, _, _ := f.app.Notifications(ctx, f.sales, store.NotificationFilter{UnreadOnly: true}, store.Page{})
		if err := f.app.MarkRead(ctx, f.sales, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := f.app.MarkRead(ctx, f.sales, list[0].ID); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("reading a read notification again: %v", err)
		}
		// Reading all up to what the page showed leaves what came after it.
		shown := *f.clock
		f.tick(time.Minute)
		f.app.LogInteraction(ctx, f.service, customer.Interaction{AccountID: acc.ID, Channel: "phone", Direction: "in", Outcome: "negative", Summary: "Still waiting"})
		if err := f.app.MarkAllRead(ctx, f.sales, shown); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.app.UnreadCount(ctx, f.sales); n != 1 {
			t.Fatalf("unread after reading all that was shown: %d, want the one that came later", n)
		}
		if err := f.app.MarkAllRead(ctx, f.sales, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.app.UnreadCount(ctx, f.sales); n != 0 {
			t.Fatalf("unread after reading all: %d", n)
		}
		// An account without an owner tells the managers.
		mgr, _, _ := f.app.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia", Role: "manager", Password: "a long enough password"})
		orphan, _ := f.app.CreateAccount(ctx, f.admin, customer.Account{Name: "Orphan Ltd"}, false)
		if _, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: orphan.ID, Subject: "Help"}); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.app.UnreadCount(ctx, access.Actor{User: mgr}); n != 1 {
			t.Fatalf("managers were not told of a case at an account without an owner: %d", n)
		}
		_, err = f.app.OpenCase(ctx, f.service, cases.Case{AccountID: "nope", Subject: "", Priority: "asap"})
		if e := wantKind(t, err, fault.Invalid); len(e.Fields) != 3 {
			t.Fatalf("bad case: %+v", e.Fields)
		}
	})
}

func TestQueueOrderIsTheNextDeadline(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		open := func(subject, priority string) cases.Case {
			c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: subject, Priority: priority})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		low := open("low", "low")            // first response due in 8h
		waiting := open("waiting", "urgent") // will wait on the customer: no deadline
		urgent := open("urgent", "urgent")   // first response due in 1h
		normal := open("normal", "normal")   // 4h
		if _, err := f.app.TransitionCase(ctx, f.service, waiting.ID, cases.Transition{To: cases.PendingCustomer}, 0); err != nil {
			t.Fatal(err)
		}
		var got []string
		cursor := ""
		for {
			page, next, err := f.app.Cases(ctx, f.service, store.CaseFilter{Statuses: []cases.Status{cases.New, cases.Open, cases.PendingCustomer}}, store.Page{Cursor: cursor, Limit: 2})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				got = append(got, c.Subject)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if want := []string{urgent.Subject, normal.Subject, low.Subject, "waiting"}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("queue order %v, want %v", got, want)
		}
		// 09:50: the urgent first response (1h) is at risk; at 10:00 breached; the others on track.
		byState := func(state string) []string {
			list, _, err := f.app.Cases(ctx, f.service, store.CaseFilter{SLAState: state}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range list {
				out = append(out, c.Subject)
			}
			return out
		}
		f.tick(50 * time.Minute)
		if got := byState("at_risk"); strings.Join(got, ",") != "urgent" {
			t.Fatalf("at risk at 09:50: %v", got)
		}
		if got := byState("on_track"); strings.Join(got, ",") != "normal,low" {
			t.Fatalf("on track at 09:50: %v", got)
		}
		f.tick(10 * time.Minute)
		if got := byState("breached"); strings.Join(got, ",") != "urgent" {
			t.Fatalf("breached at 10:00: %v", got)
		}
	})
}

// TestAccountActivity: the account list's last contact and unfinished
// cases, on both engines.
func TestAccountActivity(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		busy, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Busy Ltd"}, true)
		quiet, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Quiet Ltd"}, true)
		early, late := f.clock.Add(-72*time.Hour), f.clock.Add(-time.Hour)
		for _, at := range []time.Time{late, early} {
			if _, err := f.app.LogInteraction(ctx, f.sales, customer.Interaction{AccountID: busy.ID, Channel: "phone", Direction: "out", Summary: "Call", OccurredAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		var done cases.Case
		for range 3 {
			c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: busy.ID, Subject: "Broken"})
			if err != nil {
				t.Fatal(err)
			}
			done = c
		}
		if _, err := f.app.TransitionCase(ctx, f.service, done.ID, cases.Transition{To: cases.Resolved, Solution: "Fixed"}, 0); err != nil {
			t.Fatal(err)
		}
		got, err := f.app.AccountActivity(ctx, f.sales, []string{busy.ID, quiet.ID})
		if err != nil {
			t.Fatal(err)
		}
		if b := got[busy.ID]; !b.LastTouchAt.Equal(late) || b.OpenCases != 2 {
			t.Errorf("busy: %+v, want last touch %v and 2 unfinished cases", b, late)
		}
		if q := got[quiet.ID]; !q.LastTouchAt.IsZero() || q.OpenCases != 0 {
			t.Errorf("quiet: %+v", q)
		}
	})
}

// TestConfirmationRatesUpToNow: a case closed this very moment counts in
// the rates "up to now" (times are kept to the millisecond).
func TestConfirmationRatesUpToNow(t *testing.T) {
	f := setup(t, storetest.SQLite(t))
	ctx := context.Background()
	acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam"}, true)
	c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Broken", Category: "billing"})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	for _, tr := range []cases.Transition{{To: cases.Resolved, Solution: "Fixed"}, {To: cases.Closed, Confirmed: &yes}} {
		if _, err := f.app.TransitionCase(ctx, f.service, c.ID, tr, 0); err != nil {
			t.Fatal(err)
		}
	}
	_, byCategory, err := f.app.ConfirmationRates(ctx, f.sales, f.clock.AddDate(0, 0, -90), time.Time{})
	if err != nil || len(byCategory) != 1 || byCategory[0].Closed != 1 {
		t.Fatalf("rates up to now: %+v %v, want the case closed just now", byCategory, err)
	}
}

// TestTeamFiguresMatchTheirLists: each figure of a manager's home is the
// length of the case list its filter names, on both engines.
func TestTeamFiguresMatchTheirLists(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		mia, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia", Role: "manager", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		manager := access.Actor{User: mia, Scope: access.ScopeAdmin}
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		var ids []string
		for i, p := range []string{"urgent", "urgent", "normal", "low", "high", "normal"} {
			c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Case " + p, Priority: p})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, c.ID)
			f.tick(time.Duration(i) * 10 * time.Minute)
		}
		if _, err := f.app.AssignCases(ctx, f.service, ids[:3], f.service.User.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.AssignCases(ctx, f.service, ids[3:4], mia.ID); err != nil {
			t.Fatal(err)
		}
		c, _ := f.app.TransitionCase(ctx, f.service, ids[4], cases.Transition{To: cases.Resolved, Solution: "Done"}, 0)
		no := false
		if _, err := f.app.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Closed, Confirmed: &no, Reason: "no answer"}, 0); err != nil {
			t.Fatal(err)
		}
		f.tick(50 * time.Minute) // urgent first responses (30 min) are overdue, others at risk or on track
		team, err := f.app.TeamOf(ctx, manager)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.app.TeamOf(ctx, f.service)
		wantKind(t, err, fault.Forbidden)
		list := func(fl store.CaseFilter) int {
			all, _, err := f.app.Cases(ctx, manager, fl, store.Page{Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			n, err := f.app.CountCases(ctx, manager, fl)
			if err != nil || n != len(all) {
				t.Fatalf("count %d, list %d: %v", n, len(all), err)
			}
			return n
		}
		open := store.CaseFilter{Statuses: cases.Unfinished}
		for name, c := range map[string]struct {
			got int
			f   store.CaseFilter
		}{
			"open":        {team.Open, open},
			"unassigned":  {team.Unassigned, store.CaseFilter{Statuses: cases.Unfinished, Unassigned: true}},
			"breached":    {team.Breached, store.CaseFilter{Statuses: cases.Unfinished, SLAState: "breached"}},
			"at risk":     {team.AtRisk, store.CaseFilter{Statuses: cases.Unfinished, SLAState: "at_risk"}},
			"unconfirmed": {team.Unconfirmed, store.CaseFilter{Statuses: []cases.Status{cases.Closed}, Unconfirmed: true, ClosedFrom: team.UnconfirmedSince}},
			"val's load":  {team.Loads[0].Cases, store.CaseFilter{Statuses: cases.Unfinished, AssigneeID: team.Loads[0].AssigneeID}},
			"this week":   {team.ThisWeek.Resolved, store.CaseFilter{ResolvedFrom: team.ThisWeek.From, ResolvedTo: team.ThisWeek.To}},
		} {
			if want := list(c.f); c.got != want {
				t.Errorf("%s: the home says %d, the list holds %d", name, c.got, want)
			}
		}
		if team.Open != 5 || team.Unassigned != 1 || team.Breached < 2 || team.Unconfirmed != 1 || team.ThisWeek.Resolved != 1 || team.ThisWeek.Met != 1 {
			t.Errorf("team: %+v", team)
		}
		if len(team.Loads) != 2 || team.Loads[0].AssigneeID != f.service.User.ID || team.Loads[0].Cases != 3 {
			t.Errorf("loads: %+v", team.Loads)
		}
		// Mia was handed a case: her desk says so, and her inbox holds it.
		desk, err := f.app.DeskOf(ctx, manager, 10)
		if err != nil {
			t.Fatal(err)
		}
		if desk.Mine.Total != 1 || len(desk.Handed) != 1 || !strings.Contains(desk.Handed[0].Message, "assigned to you by val@example.com") {
			t.Errorf("Mia's desk: %+v", desk)
		}
		if desk.Unassigned.Total != 1 || desk.Unassigned.Items[0].ID != ids[5] {
			t.Errorf("unassigned: %+v", desk.Unassigned)
		}
	})
}
