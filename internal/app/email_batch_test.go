package app_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/inbox"
	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// outbox is an app with email on, a real SMTP server and a sender to it.
type outbox struct {
	fixture
	a      *app.App
	srv    *mailtest.Server
	sender *mail.Sender
}

func setupOutbox(t *testing.T, s *store.Store) outbox {
	t.Helper()
	f := setup(t, s)
	o := outbox{fixture: f, srv: mailtest.Start(t),
		a: app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example/"))}
	var err error
	if o.sender, err = mail.New(o.srv.URL, "service@tandem.example"); err != nil {
		t.Fatal(err)
	}
	return o
}

// openCases opens n cases at an account owned by owner: each emails the
// owner.
func (o outbox) openCases(t *testing.T, owner access.Actor, name string, n int) []cases.Case {
	t.Helper()
	ctx := context.Background()
	acc, err := o.a.CreateAccount(ctx, o.admin, customer.Account{Name: name, OwnerID: owner.User.ID}, true)
	if err != nil {
		t.Fatal(err)
	}
	var out []cases.Case
	for i := range n {
		c, err := o.a.OpenCase(ctx, o.service, cases.Case{AccountID: acc.ID, Subject: fmt.Sprintf("Pallets short, delivery %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// email is the one email about a subject.
func (o outbox) email(t *testing.T, subjectID string) store.Email {
	t.Helper()
	list, err := o.a.Emails(context.Background(), o.admin, subjectID)
	if err != nil || len(list) != 1 {
		t.Fatalf("emails about %s: %+v %v, want one", subjectID, list, err)
	}
	return list[0]
}

// TestOutboxSendsABatchOverOneConnection: what is due goes in one run
// over one SMTP connection; a recipient the server refuses is tried again
// later, its attempt counted, while the others of the batch are sent; a
// deactivated user and one who opted out are skipped.
func TestOutboxSendsABatchOverOneConnection(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		o := setupOutbox(t, s)
		ctx := context.Background()
		user := func(email string) access.Actor {
			u, _, err := o.a.AddUser(ctx, access.System, app.NewUser{Email: email, Name: email, Role: "sales", Password: "correct horse battery"})
			if err != nil {
				t.Fatal(err)
			}
			return access.Actor{User: u, Scope: access.ScopeWrite}
		}
		gone, quiet, refused := user("gone@example.com"), user("quiet@example.com"), user("refused@example.com")
		sams := o.openCases(t, o.sales, "Northwind", 5)
		goneCase := o.openCases(t, gone, "Contoso", 1)[0]
		quietCase := o.openCases(t, quiet, "Fabrikam", 1)[0]
		refusedCase := o.openCases(t, refused, "Litware", 1)[0]
		inactive := false
		if _, err := o.a.UpdateUser(ctx, o.admin, gone.User.ID, app.UserPatch{Active: &inactive}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := o.a.SetEmailPreferences(ctx, quiet, map[string]bool{inbox.CaseOpened: false}); err != nil {
			t.Fatal(err)
		}
		o.srv.SetRefuseRecipient("refused@example.com", true)

		if n, err := o.a.SendDueEmails(ctx, o.sender); err != nil || n != len(sams) {
			t.Fatalf("sent %d (%v), want %d", n, err, len(sams))
		}
		got := o.srv.Messages()
		if len(got) != len(sams) || o.srv.Connections() != 1 {
			t.Fatalf("%d messages over %d connections, want %d over one", len(got), o.srv.Connections(), len(sams))
		}
		for _, m := range got {
			if m.To != "sam@example.com" || m.Conn != 1 {
				t.Fatalf("received %+v", m)
			}
		}
		for _, c := range sams {
			if e := o.email(t, c.ID); e.Status != "sent" || e.Attempts != 1 || e.SentAt.IsZero() {
				t.Fatalf("sam's email: %+v", e)
			}
		}
		for _, c := range []cases.Case{goneCase, quietCase} {
			if e := o.email(t, c.ID); e.Status != "skipped" {
				t.Fatalf("an email to a user who is gone or opted out: %+v", e)
			}
		}
		e := o.email(t, refusedCase.ID)
		if e.Status != "pending" || e.Attempts != 1 || e.LastError == "" || !e.NextAttemptAt.Equal(o.clock.Add(30*time.Second)) {
			t.Fatalf("a refused email: %+v", e)
		}

		o.srv.SetRefuseRecipient("refused@example.com", false)
		if n, err := o.a.SendDueEmails(ctx, o.sender); err != nil || n != 0 {
			t.Fatalf("sent %d (%v) before the refused one's next attempt", n, err)
		}
		o.tick(time.Minute)
		if n, err := o.a.SendDueEmails(ctx, o.sender); err != nil || n != 1 {
			t.Fatalf("sent %d (%v), want the refused one", n, err)
		}
		if e := o.email(t, refusedCase.ID); e.Status != "sent" || e.Attempts != 2 {
			t.Fatalf("the refused email tried again: %+v", e)
		}
		if got := o.srv.Messages(); len(got) != len(sams)+1 || got[len(sams)].To != "refused@example.com" {
			t.Fatalf("received %+v", got)
		}
	})
}

// TestTwoSendersNeverSendOneEmailTwice: two sends at once over an outbox
// of several batches share it out: every email arrives once.
func TestTwoSendersNeverSendOneEmailTwice(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		o := setupOutbox(t, s)
		ctx := context.Background()
		const n = 250
		opened := o.openCases(t, o.sales, "Northwind", n)
		var wg sync.WaitGroup
		sent := make([]int, 2)
		errs := make([]error, 2)
		for i := range 2 {
			wg.Go(func() { sent[i], errs[i] = o.a.SendDueEmails(ctx, o.sender) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || sent[0]+sent[1] != n {
			t.Fatalf("sent %v (%v), want %d in all", sent, errs, n)
		}
		seen := map[string]bool{}
		for _, m := range o.srv.Messages() {
			if seen[m.Subject] {
				t.Fatalf("%q arrived twice", m.Subject)
			}
			seen[m.Subject] = true
		}
		if len(seen) != n {
			t.Fatalf("%d emails arrived, want %d", len(seen), n)
		}
		for _, c := range opened {
			if e := o.email(t, c.ID); e.Status != "sent" || e.Attempts != 1 {
				t.Fatalf("an email: %+v", e)
			}
		}
	})
}
