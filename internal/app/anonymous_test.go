package app_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// anonymousBytes is what sign-ins can have written: the rows and bytes of
// the throttle table and of the event log.
func anonymousBytes(t *testing.T, s *store.Store) (rows, bytes int64) {
	t.Helper()
	var r1, b1, r2, b2 int64
	db := s.JobsDB()
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(LENGTH(key)), 0) FROM login_throttle`).Scan(&r1, &b1); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(LENGTH(COALESCE(after_json, '')) + LENGTH(subject_id) + LENGTH(kind)), 0) FROM events`).Scan(&r2, &b2); err != nil {
		t.Fatal(err)
	}
	return r1 + r2, b1 + b2
}

// TestSignInBoundsWhatItStores: a sign-in with an email or password no
// user can have is refused (invalid, naming the field) before anything is
// written, on both engines; a failed sign-in with the longest email there
// is writes a bounded number of bytes.
func TestSignInBoundsWhatItStores(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		client := app.Client{IP: "192.0.2.77"}
		rows, bytes := anonymousBytes(t, s)
		for _, c := range []struct{ name, email, password, field string }{
			{"a 5 MiB email", strings.Repeat("a", 5<<20) + "@example.com", "whatever password", "email"},
			{"an email one character too long", strings.Repeat("a", access.MaxEmailLength-11) + "@example.com", "whatever password", "email"},
			{"a NUL byte", "sam\x00@example.com", "whatever password", "email"},
			{"invalid UTF-8", "sam\xff@example.com", "whatever password", "email"},
			{"a terminal escape", "sam\x1b[31m@example.com", "whatever password", "email"},
			{"a 2 MiB password", "sam@example.com", strings.Repeat("p", 2<<20), "password"},
		} {
			for range 3 {
				_, _, err := f.app.SignIn(ctx, c.email, c.password, client)
				e := wantKind(t, err, fault.Invalid)
				if len(e.Fields) != 1 || e.Fields[0].Field != c.field {
					t.Fatalf("%s: want a problem with %s, got %+v", c.name, c.field, e.Fields)
				}
			}
		}
		if r, b := anonymousBytes(t, s); r != rows || b != bytes {
			t.Fatalf("refused sign-ins wrote %d rows and %d bytes", r-rows, b-bytes)
		}
		// A refused sign-in is not a free one either: Sam's password still works.
		if _, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", client); err != nil {
			t.Fatal(err)
		}

		rows, bytes = anonymousBytes(t, s)
		const n = 10
		for i := range n {
			email := strings.Repeat(string(rune('a'+i)), access.MaxEmailLength-12) + "@example.com"
			_, _, err := f.app.SignIn(ctx, email, "whatever password", app.Client{IP: "192.0.2." + string(rune('0'+i))})
			wantKind(t, err, fault.Unauthorized)
		}
		r, b := anonymousBytes(t, s)
		// Per failure: an email key and an address key, and one event
		// naming the email and the address.
		if r-rows > 3*n || b-bytes > n*1200 {
			t.Fatalf("%d failed sign-ins wrote %d rows and %d bytes", n, r-rows, b-bytes)
		}
		evs, _, err := f.app.Audit(ctx, f.admin, store.AuditFilter{Kind: "session.sign_in_failed"}, store.Page{})
		if err != nil || len(evs) != n {
			t.Fatalf("failed sign-ins in the audit trail: %v %d", err, len(evs))
		}
	})
}

// TestUsersHaveEmailsOneCanSignInWith: the email limit of signing in is
// the limit of adding a user.
func TestUsersHaveEmailsOneCanSignInWith(t *testing.T) {
	f := setup(t, storetest.SQLite(t))
	long := strings.Repeat("a", access.MaxEmailLength-11) + "@example.com"
	_, _, err := f.app.AddUser(context.Background(), f.admin, app.NewUser{Email: long, Name: "Long", Role: "sales"})
	if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "email" {
		t.Fatalf("want a problem with the email, got %+v", e.Fields)
	}
	ok := strings.Repeat("a", access.MaxEmailLength-12) + "@example.com"
	if _, _, err := f.app.AddUser(context.Background(), f.admin, app.NewUser{Email: ok, Name: "Long", Role: "sales", Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.app.SignIn(context.Background(), ok, "correct horse battery", app.Client{IP: "192.0.2.1"}); err != nil {
		t.Fatalf("the longest email signs in: %v", err)
	}
}

// TestAnswerLinkStoresOneBoundedNote: the customer's answer link, which
// needs no sign-in, stores at most one note of app.MaxAnswerNote
// characters; a refused note writes nothing and an answered link nothing more.
func TestAnswerLinkStoresOneBoundedNote(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		a := app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example/"))
		smtp := mailtest.Start(t)
		sender, _ := mail.New(smtp.URL, "service@tandem.example")
		acc, _ := a.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		dana, _ := a.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "Dana", Email: "dana@northwind.example"}, false)
		c, err := a.OpenCase(ctx, f.service, cases.Case{AccountID: acc.ID, ContactID: dana.ID, Subject: "Short"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.TransitionCase(ctx, f.service, c.ID, cases.Transition{To: cases.Resolved, Solution: "Sent"}, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := a.SendDueEmails(ctx, sender); err != nil {
			t.Fatal(err)
		}
		var link string
		for _, m := range smtp.Messages() {
			if l := regexp.MustCompile(`https://tandem\.example/r/(\S+)`).FindStringSubmatch(m.Body); l != nil {
				link = l[1]
			}
		}
		if link == "" {
			t.Fatal("no answer link")
		}
		rows, bytes := anonymousBytes(t, s)
		for _, note := range []string{strings.Repeat("é", app.MaxAnswerNote+1), "nul\x00", "escape \x1b[2J", strings.Repeat("n", 5<<20)} {
			_, err := a.AnswerResolution(ctx, link, false, note)
			if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "note" {
				t.Fatalf("want a problem with the note, got %+v", e.Fields)
			}
		}
		if r, b := anonymousBytes(t, s); r != rows || b != bytes {
			t.Fatalf("refused answers wrote %d rows and %d bytes", r-rows, b-bytes)
		}
		note := strings.Repeat("é", app.MaxAnswerNote)
		if r, err := a.AnswerResolution(ctx, link, false, note); err != nil || r.Open {
			t.Fatalf("a note at the limit: %+v %v", r, err)
		}
		if c, _ = a.Case(ctx, f.service, c.ID); c.Status != cases.Open || !strings.Contains(c.CloseReason, note) {
			t.Fatalf("the note is the reopening's reason: %+v", c)
		}
		rows, bytes = anonymousBytes(t, s)
		for range 3 {
			if _, err := a.AnswerResolution(ctx, link, false, note); err != nil {
				t.Fatal(err)
			}
		}
		if r, b := anonymousBytes(t, s); r != rows || b != bytes {
			t.Fatalf("an answered link wrote %d rows and %d bytes more", r-rows, b-bytes)
		}
	})
}
