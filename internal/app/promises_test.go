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
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	e := wantKind(t, err, fault.Invalid)
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func TestPromiseLedger(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		mu, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia Manager", Role: "manager", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		mia := access.Actor{User: mu, Scope: access.ScopeAdmin}
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		other, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam"}, false)
		stranger, _ := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: other.ID, Name: "Someone Else"}, false)
		due := f.clock.Add(3 * 24 * time.Hour)
		in := promise.Promise{AccountID: acc.ID, Kind: promise.Rebate, Description: "Your rebate is paid by Thursday",
			Amount: &promise.Money{Minor: 120000, Currency: "EUR"}, DueAt: due}
		p, err := f.app.MakePromise(ctx, f.sales, in)
		if err != nil {
			t.Fatal(err)
		}
		if p.Status != promise.Open || p.MadeByID != f.sales.User.ID || p.Version != 1 || !p.DueAt.Equal(due) || p.PolicyWarnings != nil {
			t.Fatalf("made: %+v", p)
		}
		got, err := f.app.Promise(ctx, f.service, p.ID)
		if err != nil || got.Amount == nil || got.Amount.Minor != 120000 || got.Amount.Currency != "EUR" || got.Description != in.Description {
			t.Fatalf("read back: %+v %v", got, err)
		}

		// Bad input: every field named, nothing written.
		bad := []struct {
			edit  func(*promise.Promise)
			field string
		}{
			{func(p *promise.Promise) { p.Amount = &promise.Money{Minor: -5, Currency: "EUR"} }, "amount.amount_minor"},
			{func(p *promise.Promise) { p.Amount = &promise.Money{Minor: 5, Currency: "EURO"} }, "amount.currency"},
			{func(p *promise.Promise) { p.DueAt = f.clock.Add(-time.Hour) }, "due_at"},
			{func(p *promise.Promise) { p.Description = " " }, "description"},
			{func(p *promise.Promise) { p.Kind = "bribe" }, "kind"},
			{func(p *promise.Promise) { p.AccountID = "nope" }, "account_id"},
			{func(p *promise.Promise) { p.ContactID = stranger.ID }, "contact_id"},
			{func(p *promise.Promise) { p.CaseID = "nope" }, "case_id"},
		}
		for _, b := range bad {
			x := in
			b.edit(&x)
			_, err := f.app.MakePromise(ctx, f.sales, x)
			if fieldsOf(t, err)[b.field] == "" {
				t.Errorf("no message for %s: %v", b.field, err)
			}
		}
		back := in
		back.DueAt, back.BackdatedReason = f.clock.Add(-time.Hour), "Promised on the phone yesterday, written down now"
		if _, err := f.app.MakePromise(ctx, f.sales, back); err != nil {
			t.Fatalf("backdated with a reason: %v", err)
		}
		list, _, err := f.app.Promises(ctx, f.sales, store.PromiseFilter{AccountID: acc.ID}, store.Page{})
		if err != nil || len(list) != 2 {
			t.Fatalf("half-written promises? %d %v", len(list), err)
		}

		// The timeline says it in a sentence.
		items, _, err := f.app.Timeline(ctx, f.service, acc.ID, event.Filter{}, store.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var sentences []string
		for _, it := range items {
			if it.Event != nil && strings.HasPrefix(it.Event.Kind, "promise.") {
				sentences = append(sentences, event.Describe(it.Event, nil).Text)
			}
		}
		want := "sam@example.com promised Contoso a rebate of €1,200.00 by 5 Mar 2026: “Your rebate is paid by Thursday”"
		if len(sentences) != 2 || (sentences[0] != want && sentences[1] != want) {
			t.Fatalf("timeline: %q", sentences)
		}

		// Permissions: anyone keeps; only the maker or a manager edits, breaks or cancels.
		words := "Your rebate of €1,250 is paid by Thursday"
		_, err = f.app.UpdatePromise(ctx, f.service, p.ID, app.PromisePatch{Description: &words}, 0)
		wantKind(t, err, fault.Forbidden)
		_, _, err = f.app.TransitionPromise(ctx, f.service, p.ID, promise.Transition{To: promise.Broken, Reason: "no"}, nil, 0)
		wantKind(t, err, fault.Forbidden)
		read := access.Actor{User: f.sales.User, Scope: access.ScopeRead}
		_, err = f.app.MakePromise(ctx, read, in)
		wantKind(t, err, fault.Forbidden)
		_, err = f.app.UpdatePromise(ctx, f.sales, p.ID, app.PromisePatch{Description: &words}, 7)
		wantKind(t, err, fault.Stale)
		amount := &promise.Money{Minor: 125000, Currency: "EUR"}
		p, err = f.app.UpdatePromise(ctx, f.sales, p.ID, app.PromisePatch{Description: &words, Amount: &amount}, 1)
		if err != nil || p.Version != 2 || p.Description != words || p.Amount.Minor != 125000 {
			t.Fatalf("update: %+v %v", p, err)
		}
		past := f.clock.Add(-time.Hour)
		_, err = f.app.UpdatePromise(ctx, mia, p.ID, app.PromisePatch{DueAt: &past}, 0)
		if fieldsOf(t, err)["due_at"] == "" {
			t.Fatal("moved into the past without a reason")
		}

		// Kept by service, with evidence; then final.
		p, _, err = f.app.TransitionPromise(ctx, f.service, p.ID, promise.Transition{To: promise.Kept, Evidence: "Credit note CN-77"}, nil, 2)
		if err != nil || p.Status != promise.Kept || p.KeptByID != f.service.User.ID || !p.KeptAt.Equal(*f.clock) || p.Evidence != "Credit note CN-77" {
			t.Fatalf("kept: %+v %v", p, err)
		}
		_, _, err = f.app.TransitionPromise(ctx, mia, p.ID, promise.Transition{To: promise.Broken, Reason: "x"}, nil, 0)
		if fieldsOf(t, err)["to"] == "" {
			t.Fatal("a kept promise was broken")
		}

		// Cancelled with a replacement, in one transaction.
		cb, err := f.app.MakePromise(ctx, f.sales, promise.Promise{AccountID: acc.ID, Kind: promise.Callback, Description: "I'll call you back on Friday",
			DueAt: f.clock.Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = f.app.TransitionPromise(ctx, f.sales, cb.ID, promise.Transition{To: promise.Cancelled, Reason: "Agreed Monday instead"},
			&promise.Promise{Description: "", DueAt: f.clock.Add(96 * time.Hour)}, 0)
		if fieldsOf(t, err)["replacement.description"] == "" {
			t.Fatal("a replacement without words")
		}
		if again, _ := f.app.Promise(ctx, f.sales, cb.ID); again.Status != promise.Open {
			t.Fatal("the cancellation stayed though its replacement failed")
		}
		old, repl, err := f.app.TransitionPromise(ctx, f.sales, cb.ID, promise.Transition{To: promise.Cancelled, Reason: "Agreed Monday instead"},
			&promise.Promise{Description: "I'll call you back on Monday", DueAt: f.clock.Add(96 * time.Hour)}, 0)
		if err != nil || old.Status != promise.Cancelled || repl == nil || repl.ReplacesID != cb.ID || repl.Kind != promise.Callback || repl.AccountID != acc.ID {
			t.Fatalf("cancel and replace: %+v %+v %v", old, repl, err)
		}
		// Keeping a cancelled promise is refused, naming "to".
		_, _, err = f.app.TransitionPromise(ctx, f.service, cb.ID, promise.Transition{To: promise.Kept}, nil, 0)
		if fieldsOf(t, err)["to"] == "" {
			t.Fatal("a cancelled promise was kept")
		}
		// Broken by a manager, with the reason.
		_, _, err = f.app.TransitionPromise(ctx, mia, repl.ID, promise.Transition{To: promise.Broken}, nil, 0)
		if fieldsOf(t, err)["reason"] == "" {
			t.Fatal("broken without a reason")
		}
		br, _, err := f.app.TransitionPromise(ctx, mia, repl.ID, promise.Transition{To: promise.Broken, Reason: "The customer was not reachable"}, nil, 0)
		if err != nil || br.Status != promise.Broken || br.BrokenReason != "The customer was not reachable" {
			t.Fatalf("broken: %+v %v", br, err)
		}
		_, _, err = f.app.TransitionPromise(ctx, f.sales, br.ID, promise.Transition{To: promise.Kept}, &promise.Promise{Description: "x"}, 0)
		if fieldsOf(t, err)["replacement"] == "" {
			t.Fatal("a replacement for a promise not cancelled")
		}
		items, _, _ = f.app.Timeline(ctx, f.service, acc.ID, event.Filter{}, store.Page{})
		text := ""
		for _, it := range items {
			if it.Event != nil {
				text += event.Describe(it.Event, map[string]string{f.service.User.ID: "Val", mia.User.ID: "Mia"}).Text + "\n"
			}
		}
		for _, want := range []string{"Val kept the promise to Contoso of a rebate of €1,250.00 by 5 Mar 2026: Credit note CN-77",
			"The promise to Contoso of a call back by 4 Mar 2026 was cancelled with the customer's consent: Agreed Monday instead",
			"The promise to Contoso of a call back by 6 Mar 2026 is broken: The customer was not reachable",
			"The promise to Contoso of a rebate of €1,250.00 was changed"} {
			if !strings.Contains(text, want) {
				t.Errorf("the timeline does not say %q:\n%s", want, text)
			}
		}
	})
}

// TestPromisesGoOverdueAndBreak: the clock's check moves an open promise
// due now to overdue and tells its maker, the account's owner and the
// case's assignee; once the grace period of its kind is over it breaks.
func TestPromisesGoOverdueAndBreak(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		ou, _, _ := f.app.AddUser(ctx, access.System, app.NewUser{Email: "olga@example.com", Name: "Olga Owner", Role: "sales", Password: "correct horse battery"})
		acc, _ := f.app.CreateAccount(ctx, f.admin, customer.Account{Name: "Contoso", OwnerID: ou.ID}, true)
		c, err := f.app.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, Subject: "Where is my rebate?", AssigneeID: f.service.User.ID})
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.app.MakePromise(ctx, f.sales, promise.Promise{AccountID: acc.ID, CaseID: c.ID, Kind: promise.Callback,
			Description: "We call you back within the hour", DueAt: f.clock.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		soon, err := f.app.PromisesDueSoon(ctx, f.service, store.PromiseFilter{AccountID: acc.ID}, 10)
		if err != nil || len(soon) != 1 {
			t.Fatalf("due soon: %v %v", soon, err)
		}
		queue, _, err := f.app.Cases(ctx, f.service, store.CaseFilter{WithPromiseDue: true}, store.Page{})
		if err != nil || len(queue) != 1 || queue[0].ID != c.ID {
			t.Fatalf("the queue's promise-due filter: %v %v", queue, err)
		}
		f.tick(59 * time.Minute)
		if err := f.app.CheckPromiseDue(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ = f.app.Promise(ctx, f.sales, p.ID); p.Status != promise.Open {
			t.Fatalf("overdue early: %s", p.Status)
		}
		f.tick(time.Minute)
		if err := f.app.CheckPromiseDue(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ = f.app.Promise(ctx, f.sales, p.ID); p.Status != promise.Overdue || p.Version != 2 {
			t.Fatalf("not overdue at its due time: %+v", p)
		}
		for _, who := range []access.Actor{f.sales, f.service, {User: ou, Scope: access.ScopeAdmin}} {
			list, _, _ := f.app.Notifications(ctx, who, store.NotificationFilter{}, store.Page{})
			found := false
			for _, n := range list {
				if n.Kind == inbox.PromiseOverdue && n.SubjectID == p.ID && strings.Contains(n.Message, "Contoso: the promise of a call back") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s was not told the promise is overdue", who.User.Email)
			}
		}
		if err := f.app.CheckPromiseDue(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if again, _ := f.app.Promise(ctx, f.sales, p.ID); again.Version != 2 {
			t.Fatal("a second check changed the promise")
		}
		// A callback's grace is a day, unless set otherwise.
		g, err := f.app.SavePromiseGrace(ctx, f.admin, map[promise.Kind]int{promise.Callback: 2}, 0)
		if err != nil || g.Days[promise.Callback] != 2 || g.Days[promise.Rebate] != 14 {
			t.Fatalf("grace: %+v %v", g, err)
		}
		_, err = f.app.SavePromiseGrace(ctx, f.sales, map[promise.Kind]int{promise.Callback: 1}, -1)
		wantKind(t, err, fault.Forbidden)
		_, err = f.app.SavePromiseGrace(ctx, f.admin, map[promise.Kind]int{promise.Callback: -1}, -1)
		if fieldsOf(t, err)["callback"] == "" {
			t.Fatal("a negative grace period")
		}
		f.tick(24 * time.Hour)
		f.app.CheckPromiseDue(ctx, p.ID)
		if p, _ = f.app.Promise(ctx, f.sales, p.ID); p.Status != promise.Overdue {
			t.Fatalf("broken inside its grace period: %s", p.Status)
		}
		f.tick(24 * time.Hour)
		if err := f.app.CheckPromiseDue(ctx, p.ID); err != nil {
			t.Fatal(err)
		}
		if p, _ = f.app.Promise(ctx, f.sales, p.ID); p.Status != promise.Broken || !strings.Contains(p.BrokenReason, "2 days") {
			t.Fatalf("not broken after its grace period: %+v", p)
		}
		if soon, _ = f.app.PromisesDueSoon(ctx, f.service, store.PromiseFilter{AccountID: acc.ID}, 10); len(soon) != 0 {
			t.Fatalf("a broken promise is still due: %v", soon)
		}
	})
}
