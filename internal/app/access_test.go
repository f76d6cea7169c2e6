package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func TestBruteForceLocksTheAccount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		f.app = app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example"))
		ctx := context.Background()
		// Each attempt comes from another address so only the account's own
		// counter slows them down; wait out every backoff as a patient attacker would.
		for i := range access.LockAfter {
			ip := app.Client{IP: "192.0.2." + string(rune('0'+i%10))}
			_, _, err := f.app.SignIn(ctx, "sam@example.com", "wrong password!!", ip)
			if fault.KindOf(err) == fault.Throttled {
				f.tick(access.MaxBackoff)
				_, _, err = f.app.SignIn(ctx, "sam@example.com", "wrong password!!", ip)
			}
			wantKind(t, err, fault.Unauthorized)
			f.tick(time.Second)
		}
		_, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", app.Client{IP: "198.51.100.1"})
		e := wantKind(t, err, fault.Throttled)
		if wait, _ := e.Detail.(time.Duration); wait < 50*time.Minute {
			t.Fatalf("want about an hour's lock, got %v", e.Detail)
		}
		// Unknown emails lock the same way, so a lock tells nothing.
		evs, _, err := f.app.Audit(ctx, f.admin, store.AuditFilter{Kind: "user.locked"}, store.Page{})
		if err != nil || len(evs) != 1 || evs[0].SubjectID != f.sales.User.ID {
			t.Fatalf("lockout event: %v %+v", err, evs)
		}
		// Sam is told by email, once, in case someone is guessing.
		smtp := mailtest.Start(t)
		sender, _ := mail.New(smtp.URL, "tandem@example.com")
		if n, err := f.app.SendDueEmails(ctx, sender); err != nil || n != 1 {
			t.Fatalf("sent %d: %v", n, err)
		}
		if m := smtp.Messages()[0]; m.To != "sam@example.com" || !strings.Contains(m.Body, "locked your account") {
			t.Fatalf("lockout email: %+v", m)
		}
		f.tick(access.LockFor)
		if _, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", app.Client{IP: "198.51.100.1"}); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
	})
}

func TestThrottleBacksOffPerAddress(t *testing.T) {
	f := setup(t, storetest.SQLite(t))
	ctx := context.Background()
	ip := app.Client{IP: "203.0.113.9"}
	for i := range access.IPFreeFailures + 1 {
		_, _, err := f.app.SignIn(ctx, "user"+string(rune('a'+i))+"@example.com", "whatever password", ip)
		wantKind(t, err, fault.Unauthorized)
	}
	_, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", ip)
	wantKind(t, err, fault.Throttled)
	if _, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", app.Client{IP: "203.0.113.10"}); err != nil {
		t.Fatalf("another address is not slowed down: %v", err)
	}
	f.tick(2 * time.Second)
	if _, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", ip); err != nil {
		t.Fatalf("after the backoff: %v", err)
	}
}

func TestUserAdministration(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		client := app.Client{IP: "10.0.0.1"}
		secret, _, err := f.app.SignIn(ctx, "sam@example.com", "correct horse battery", client)
		if err != nil {
			t.Fatal(err)
		}
		_, tok, _ := f.app.CreateToken(ctx, f.sales, app.NewToken{})

		manager := "manager"
		_, err = f.app.UpdateUser(ctx, f.sales, f.service.User.ID, app.UserPatch{Role: &manager}, 0)
		wantKind(t, err, fault.Forbidden)
		boss := "boss"
		_, err = f.app.UpdateUser(ctx, f.admin, f.service.User.ID, app.UserPatch{Role: &boss}, 0)
		wantKind(t, err, fault.Invalid)
		_, err = f.app.UpdateUser(ctx, f.admin, f.admin.User.ID, app.UserPatch{Role: &manager}, 0)
		e := wantKind(t, err, fault.Invalid)
		if e.Fields[0].Field != "role" {
			t.Fatalf("last admin: %+v", e)
		}
		u, err := f.app.UpdateUser(ctx, f.admin, f.service.User.ID, app.UserPatch{Role: &manager}, 1)
		if err != nil || u.Role != access.Manager || u.Version != 2 {
			t.Fatalf("role change: %v %+v", err, u)
		}
		off := false
		if _, err := f.app.UpdateUser(ctx, f.admin, f.sales.User.ID, app.UserPatch{Active: &off}, 0); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.app.SessionActor(ctx, secret)
		wantKind(t, err, fault.Unauthorized)
		_, err = f.app.TokenActor(ctx, tok)
		wantKind(t, err, fault.Unauthorized)
		_, _, err = f.app.SignIn(ctx, "sam@example.com", "correct horse battery", client)
		wantKind(t, err, fault.Unauthorized)

		for _, kind := range []string{"user.role_changed", "user.deactivated", "session.signed_in", "session.sign_in_failed", "token.created"} {
			evs, _, err := f.app.Audit(ctx, f.admin, store.AuditFilter{Kind: kind}, store.Page{})
			if err != nil || len(evs) == 0 {
				t.Errorf("no %s event in the audit trail: %v", kind, err)
			}
		}

		on := true
		if _, err := f.app.UpdateUser(ctx, f.admin, f.sales.User.ID, app.UserPatch{Active: &on}, 0); err != nil {
			t.Fatal(err)
		}
		pw, err := f.app.ResetPassword(ctx, f.admin, f.sales.User.ID, "")
		if err != nil || len(pw) < 12 {
			t.Fatalf("reset: %v %q", err, pw)
		}
		if _, err := f.app.ResetPassword(ctx, f.admin, f.sales.User.ID, "password1234"); fault.KindOf(err) != fault.Invalid {
			t.Fatalf("a common password was accepted: %v", err)
		}
		secret, _, err = f.app.SignIn(ctx, "sam@example.com", pw, client)
		if err != nil {
			t.Fatal(err)
		}
		sam, sess, _ := f.app.SessionActor(ctx, secret)
		other, _, _ := f.app.SignIn(ctx, "sam@example.com", pw, app.Client{IP: "10.0.0.2"})
		err = f.app.ChangePassword(ctx, sam, "not it at all", "a brand new password", sess.ID)
		e = wantKind(t, err, fault.Invalid)
		if e.Fields[0].Field != "current_password" {
			t.Fatalf("wrong current password: %+v", e.Fields)
		}
		if err := f.app.ChangePassword(ctx, sam, pw, "a brand new password", sess.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.app.SessionActor(ctx, secret); err != nil {
			t.Fatalf("the session that changed the password should stay: %v", err)
		}
		_, _, err = f.app.SessionActor(ctx, other)
		wantKind(t, err, fault.Unauthorized)

		list, err := f.app.Sessions(ctx, sam)
		if err != nil || len(list) != 1 || list[0].IP != "10.0.0.1" {
			t.Fatalf("sessions: %v %+v", err, list)
		}
		err = f.app.RevokeSession(ctx, f.admin, sess.ID)
		wantKind(t, err, fault.Forbidden)
		if err := f.app.RevokeSession(ctx, sam, sess.ID); err != nil {
			t.Fatal(err)
		}
	})
}
