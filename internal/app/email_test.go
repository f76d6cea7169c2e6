package app_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestEmailAndTheCustomersAnswer: the owner is emailed what reaches their
// inbox, as they chose; the customer is emailed the solution with a signed
// link, and their answer closes the case confirmed or reopens it.
func TestEmailAndTheCustomersAnswer(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		a := app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example/"))
		srv := mailtest.Start(t)
		sender, err := mail.New(srv.URL, "service@tandem.example")
		if err != nil {
			t.Fatal(err)
		}
		send := func(want int) {
			t.Helper()
			if n, err := a.SendDueEmails(ctx, sender); err != nil || n != want {
				t.Fatalf("sent %d (%v), want %d", n, err, want)
			}
		}
		acc, _ := a.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		dana, err := a.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "Dana Scully", Email: "dana@northwind.example"}, false)
		if err != nil {
			t.Fatal(err)
		}
		c, err := a.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, ContactID: dana.ID, Subject: "Pallets arrived short", Priority: "high"})
		if err != nil {
			t.Fatal(err)
		}
		send(1)
		got := srv.Messages()
		if got[0].To != "sam@example.com" || !strings.Contains(got[0].Subject, "Northwind") ||
			!strings.Contains(got[0].Body, "https://tandem.example/cases/"+c.ID) {
			t.Fatalf("owner's email: %+v", got[0])
		}
		send(0) // nothing twice

		// The owner wants reopenings in the inbox only.
		if _, err := a.SetEmailPreferences(ctx, f.sales, map[string]bool{inbox.CaseReopened: false}); err != nil {
			t.Fatal(err)
		}
		c, _ = a.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Open}, 0)
		f.tick(time.Hour)
		c, err = a.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved, Solution: "Sent the missing 4 pallets by express.\nThey arrive Tuesday."}, 0)
		if err != nil {
			t.Fatal(err)
		}
		send(1)
		msg := srv.Messages()[1]
		if msg.To != "dana@northwind.example" || !strings.Contains(msg.Body, "missing 4 pallets") || !strings.Contains(msg.Subject, "#1001") {
			t.Fatalf("customer's email: %+v", msg)
		}
		link := regexp.MustCompile(`https://tandem\.example/r/(\S+)`).FindStringSubmatch(msg.Body)
		if link == nil {
			t.Fatalf("no answer link in %q", msg.Body)
		}
		first := link[1]
		if _, err := a.ResolutionFor(ctx, first[:len(first)-2]+"xx"); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("a forged link was taken: %v", err)
		}
		if r, err := a.ResolutionFor(ctx, first); err != nil || !r.Open || r.Number != c.Number {
			t.Fatalf("resolution: %+v %v", r, err)
		}

		// "Not resolved" reopens the case with the customer's words and tells the owner.
		r, err := a.AnswerResolution(ctx, first, false, "Only 3 arrived.")
		if err != nil || r.Open {
			t.Fatalf("answer no: %+v %v", r, err)
		}
		c, _ = a.Case(ctx, f.service, c.ID)
		if c.Status != cases.Open || !strings.Contains(c.CloseReason, "Only 3 arrived.") {
			t.Fatalf("after no: %s %q", c.Status, c.CloseReason)
		}
		list, _, _ := a.Notifications(ctx, f.sales, store.NotificationFilter{UnreadOnly: true}, store.Page{})
		if len(list) == 0 || list[0].Kind != inbox.CaseReopened {
			t.Fatalf("the owner was not told of the reopening: %+v", list)
		}
		send(0) // the owner chose no email for reopenings
		if emails, _ := a.Emails(ctx, f.sales, c.ID); emails[len(emails)-1].Status != "skipped" {
			t.Fatalf("reopening email: %+v", emails[len(emails)-1])
		}

		// Resolved again: the old link no longer answers; the new one does.
		f.tick(time.Hour)
		if _, err := a.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved, Solution: "Sent the last pallet."}, 0); err != nil {
			t.Fatal(err)
		}
		srv.SetRefuse(true)
		send(0)
		emails, _ := a.Emails(ctx, f.sales, c.ID)
		if e := emails[len(emails)-1]; e.Status != "pending" || e.Attempts != 1 || e.LastError == "" {
			t.Fatalf("a refused email: %+v", e)
		}
		srv.SetRefuse(false)
		send(0) // not yet: it backs off
		f.tick(time.Minute)
		send(1)
		second := regexp.MustCompile(`https://tandem\.example/r/(\S+)`).FindStringSubmatch(srv.Messages()[2].Body)[1]
		if r, _ := a.AnswerResolution(ctx, first, true, ""); r.Open {
			t.Fatal("an old link answered for a new resolution")
		}
		c, _ = a.Case(ctx, f.service, c.ID)
		if c.Status != cases.Resolved {
			t.Fatalf("an old link moved the case to %s", c.Status)
		}
		r, err = a.AnswerResolution(ctx, second, true, "")
		c, _ = a.Case(ctx, f.service, c.ID)
		if err != nil || c.Status != cases.Closed || c.Confirmed == nil || !*c.Confirmed || r.Open {
			t.Fatalf("answer yes: %v %s %+v", err, c.Status, r)
		}
		if r, err := a.AnswerResolution(ctx, second, false, ""); err != nil || r.Open {
			t.Fatalf("a second answer: %+v %v", r, err)
		}
		if c2, _ := a.Case(ctx, f.service, c.ID); c2.Version != c.Version {
			t.Fatal("a second answer changed the case")
		}
		f.tick(app.AnswerWindow)
		if _, err := a.ResolutionFor(ctx, second); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("an expired link: %v", err)
		}
	})
}

// TestLinkKeyIsStoredOnce: a fresh app reading a link signed by another
// over the same database agrees on the key, whichever made it.
func TestLinkKeyIsStoredOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		a := app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example"))
		acc, _ := a.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		ct, _ := a.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "Lee", Email: "lee@contoso.example"}, false)
		// A reader first: the key is made outside any business transaction.
		if _, err := app.New(s).ResolutionFor(ctx, "x.y.z"); fault.KindOf(err) != fault.NotFound {
			t.Fatalf("nonsense link: %v", err)
		}
		c, _ := a.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, ContactID: ct.ID, Subject: "Login fails"})
		if _, err := a.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved, Solution: "Reset the password."}, 0); err != nil {
			t.Fatal(err)
		}
		emails, _ := a.Emails(ctx, f.sales, c.ID)
		token := regexp.MustCompile(`/r/(\S+)`).FindStringSubmatch(emails[len(emails)-1].Body)[1]
		other := app.New(s, app.WithClock(func() time.Time { return *f.clock }))
		if r, err := other.ResolutionFor(ctx, token); err != nil || !r.Open {
			t.Fatalf("another process could not read the link: %+v %v", r, err)
		}
	})
}

// TestReplyToTheCustomer: a first reply to the customer is emailed to the
// case's contact over real SMTP and moves a new case to open; an internal
// note is not emailed; where there is no address the app says why.
func TestReplyToTheCustomer(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		a := app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example/"))
		srv := mailtest.Start(t)
		sender, err := mail.New(srv.URL, "service@tandem.example")
		if err != nil {
			t.Fatal(err)
		}
		acc, _ := a.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		dana, _ := a.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "Dana Scully", Email: "dana@northwind.example"}, false)
		mute, _ := a.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "Walter Skinner"}, false)
		c, err := a.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, ContactID: dana.ID, Subject: "Pallets arrived short"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.SendDueEmails(ctx, sender); err != nil { // the owner's notice
			t.Fatal(err)
		}
		if _, err := a.CommentCase(ctx, f.service, c.ID, "Checked with the warehouse.", true, 5); err != nil {
			t.Fatal(err)
		}
		if c, _ = a.Case(ctx, f.service, c.ID); c.Status != cases.New || !c.RespondedAt.IsZero() {
			t.Fatalf("an internal note moved the case: %+v", c)
		}
		if _, err := a.CommentCase(ctx, f.service, c.ID, "Four units are on their way by courier.", false, 0); err != nil {
			t.Fatal(err)
		}
		if c, _ = a.Case(ctx, f.service, c.ID); c.Status != cases.Open || c.RespondedAt.IsZero() {
			t.Fatalf("a first reply to the customer left the case at %s", c.Status)
		}
		before := len(srv.Messages())
		if n, err := a.SendDueEmails(ctx, sender); err != nil || n != 1 {
			t.Fatalf("sent %d: %v", n, err)
		}
		got := srv.Messages()[before]
		if got.To != "dana@northwind.example" || !strings.Contains(got.Body, "Four units are on their way") || strings.Contains(got.Body, "warehouse") {
			t.Fatalf("the reply's email: %+v", got)
		}
		r, err := a.CustomerReach(ctx, f.service, c)
		if err != nil || r.Address != "dana@northwind.example" {
			t.Fatalf("reach: %+v %v", r, err)
		}
		c2, _ := a.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, ContactID: mute.ID, Subject: "No address"})
		if r, _ := a.CustomerReach(ctx, f.service, c2); r.Address != "" || r.Why != "Walter Skinner has no email address" {
			t.Fatalf("reach without an address: %+v", r)
		}
		if r, _ := f.app.CustomerReach(ctx, f.service, c); r.Why != "email is off" {
			t.Fatalf("reach with email off: %+v", r)
		}
	})
}
