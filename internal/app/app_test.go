package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

type fixture struct {
	app          *app.App
	store        *store.Store
	admin, sales access.Actor
	service      access.Actor
	clock        *time.Time
}

func setup(t *testing.T, s *store.Store) fixture {
	t.Helper()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	f := fixture{store: s, clock: &now}
	f.app = app.New(s, app.WithClock(func() time.Time { return *f.clock }))
	ctx := context.Background()
	add := func(email, role string) access.Actor {
		u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: email, Name: email, Role: role, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return access.Actor{User: u, Scope: access.ScopeAdmin}
	}
	f.admin, f.sales, f.service = add("ada@example.com", "admin"), add("sam@example.com", "sales"), add("val@example.com", "service")
	return f
}

func (f fixture) tick(d time.Duration) { *f.clock = f.clock.Add(d) }

func wantKind(t *testing.T, err error, k fault.Kind) *fault.Error {
	t.Helper()
	if fault.KindOf(err) != k {
		t.Fatalf("want error kind %d, got %v (kind %d)", k, err, fault.KindOf(err))
	}
	e, _ := fault.As(err)
	return e
}

func TestAccountsAndDuplicates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind Traders Inc.", Domain: "https://www.northwind.example/", Phone: "+1 (212) 555-0100"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if acc.OwnerID != f.sales.User.ID || acc.Domain != "northwind.example" || acc.Tier != "standard" || acc.Version != 1 {
			t.Fatalf("unexpected account %+v", acc)
		}
		for _, dup := range []customer.Account{
			{Name: "Northwind Traders"},
			{Name: "Other name", Domain: "northwind.example"},
			{Name: "Third", Phone: "212-555-0100"},
			{Name: "Nortwind Traders LLC"},
		} {
			_, err := f.app.CreateAccount(ctx, f.sales, dup, false)
			t.Log(dup.Name)
			e := wantKind(t, err, fault.Conflict)
			cands, _ := e.Detail.([]customer.Candidate)
			if len(cands) != 1 || cands[0].ID != acc.ID || len(cands[0].Reasons) == 0 {
				t.Fatalf("%q: want northwind as the candidate, got %+v", dup.Name, e.Detail)
			}
		}
		if _, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind Traders"}, true); err != nil {
			t.Fatalf("allow_duplicate: %v", err)
		}
		if _, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false); err != nil {
			t.Fatalf("distinct account refused: %v", err)
		}
		_, err = f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "", Kind: "alien", Tier: "diamond", Phone: "12"}, false)
		e := wantKind(t, err, fault.Invalid)
		if len(e.Fields) != 4 {
			t.Fatalf("want 4 field errors, got %+v", e.Fields)
		}
		_, err = f.app.CreateAccount(ctx, f.service, customer.Account{Name: "Fabrikam"}, false)
		wantKind(t, err, fault.Forbidden)

		list, _, err := f.app.Accounts(ctx, f.service, store.AccountFilter{Q: "northwind"}, store.Page{})
		if err != nil || len(list) != 2 {
			t.Fatalf("search: %v %d", err, len(list))
		}
	})
}

func TestUpdateConcurrencyAndPermissions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
		if err != nil {
			t.Fatal(err)
		}
		tier := "gold"
		up, err := f.app.UpdateAccount(ctx, f.sales, acc.ID, app.AccountPatch{Tier: &tier}, 1)
		if err != nil || up.Version != 2 || up.Tier != "gold" {
			t.Fatalf("update: %v %+v", err, up)
		}
		_, err = f.app.UpdateAccount(ctx, f.sales, acc.ID, app.AccountPatch{Tier: &tier}, 1)
		wantKind(t, err, fault.Stale)
		_, err = f.app.UpdateAccount(ctx, f.service, acc.ID, app.AccountPatch{Tier: &tier}, 0)
		wantKind(t, err, fault.Forbidden)
		owner := f.admin.User.ID
		_, err = f.app.UpdateAccount(ctx, f.admin, acc.ID, app.AccountPatch{OwnerID: &owner}, 0)
		e := wantKind(t, err, fault.Invalid)
		if e.Fields[0].Field != "owner_id" {
			t.Fatalf("want owner_id error, got %+v", e.Fields)
		}
		_, err = f.app.UpdateAccount(ctx, f.admin, "nope", app.AccountPatch{Tier: &tier}, 0)
		wantKind(t, err, fault.NotFound)
		got, _ := f.app.Account(ctx, f.sales, acc.ID)
		if got.Version != 2 {
			t.Fatalf("failed updates changed the account: %+v", got)
		}
	})
}

func TestTimelineMergesInteractionsAndEvents(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Tailspin Toys"}, false)
		if err != nil {
			t.Fatal(err)
		}
		base := *f.clock
		for i := range 30 {
			team := "sales"
			actor := f.sales
			if i%3 == 0 {
				team, actor = "service", f.service
			}
			_, err := f.app.LogInteraction(ctx, actor, customer.Interaction{AccountID: acc.ID, Team: team, Channel: "phone", Direction: "out",
				Summary: fmt.Sprintf("call %d", i), OccurredAt: base.Add(-time.Duration(30-i) * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
		}
		f.tick(time.Minute)
		tier := "vip"
		if _, err := f.app.UpdateAccount(ctx, f.sales, acc.ID, app.AccountPatch{Tier: &tier}, 0); err != nil {
			t.Fatal(err)
		}
		// An invalid interaction writes nothing at all.
		_, err = f.app.LogInteraction(ctx, f.sales, customer.Interaction{AccountID: acc.ID, Channel: "pigeon", Direction: "out", Summary: "x"})
		wantKind(t, err, fault.Invalid)

		var all []event.Item
		cursor := ""
		for {
			page, next, err := f.app.Timeline(ctx, f.service, acc.ID, event.Filter{}, store.Page{Cursor: cursor, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			if next == "" {
				break
			}
			cursor = next
		}
		// 30 interactions + account.created + account.updated; interaction.logged events stay off the timeline.
		if len(all) != 32 {
			t.Fatalf("want 32 timeline items, got %d", len(all))
		}
		if all[0].Kind != "account.updated" || all[1].Kind != "account.created" || all[2].Type != "interaction" || all[2].Interaction.Summary != "call 29" {
			t.Fatalf("newest first broken: %+v %+v", all[0], all[1])
		}
		for i := 1; i < len(all); i++ {
			if all[i].At.After(all[i-1].At) {
				t.Fatalf("item %d is newer than item %d", i, i-1)
			}
		}
		service, _, err := f.app.Timeline(ctx, f.sales, acc.ID, event.Filter{Team: "service"}, store.Page{Limit: 100})
		if err != nil || len(service) != 10 {
			t.Fatalf("team filter: %v %d", err, len(service))
		}
		_, _, err = f.app.Timeline(ctx, f.sales, acc.ID, event.Filter{}, store.Page{Cursor: "garbage"})
		wantKind(t, err, fault.Invalid)
		_, _, err = f.app.Timeline(ctx, f.sales, "missing", event.Filter{}, store.Page{})
		wantKind(t, err, fault.NotFound)
	})
}

func TestMergeMovesEverything(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		keep, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam"}, false)
		dup, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam GmbH", Domain: "fabrikam.example", ExternalID: "ERP-7"}, true)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: dup.ID, Name: "Lena Vogel", Email: "lena@fabrikam.example"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.LogInteraction(ctx, f.sales, customer.Interaction{AccountID: dup.ID, ContactID: c.ID, Channel: "email", Direction: "in", Summary: "asked for a quote"}); err != nil {
			t.Fatal(err)
		}
		cs, err := f.app.OpenCase(ctx, f.admin, cases.Case{AccountID: dup.ID, ContactID: c.ID, Subject: "Quote arrived late", Priority: "normal"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.app.MergeAccounts(ctx, f.sales, keep.ID, dup.ID)
		wantKind(t, err, fault.Forbidden)
		m, err := f.app.MergeAccounts(ctx, f.admin, keep.ID, dup.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Domain != "fabrikam.example" || m.ExternalID != "ERP-7" || m.Version != 2 {
			t.Fatalf("merge did not fill blanks: %+v", m)
		}
		_, err = f.app.Account(ctx, f.admin, dup.ID)
		wantKind(t, err, fault.NotFound)
		moved, _ := f.app.Contact(ctx, f.admin, c.ID)
		if moved.AccountID != keep.ID {
			t.Fatalf("contact not moved")
		}
		if movedCase, err := f.app.Case(ctx, f.admin, cs.ID); err != nil || movedCase.AccountID != keep.ID || movedCase.Number != cs.Number {
			t.Fatalf("case not moved: %v %+v", err, movedCase)
		}
		items, _, err := f.app.Timeline(ctx, f.admin, keep.ID, event.Filter{}, store.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, it := range items {
			kinds[it.Kind]++
		}
		if kinds["account.merged"] != 1 || kinds["touch"] != 1 || kinds["contact.created"] != 1 || kinds["account.created"] != 2 || kinds["case.opened"] != 1 {
			t.Fatalf("timeline after merge: %v", kinds)
		}
	})
}

func TestContactDuplicates(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acc, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Litware"}, false)
		other, _ := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Proseware"}, false)
		if _, err := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "John Smith", Email: "John.Smith+crm@Litware.example", Phone: "+44 20 7946 0000"}, false); err != nil {
			t.Fatal(err)
		}
		for _, c := range []customer.Contact{
			{AccountID: other.ID, Name: "J. Smith", Email: "john.smith@litware.example"},
			{AccountID: other.ID, Name: "Someone", Phone: "+442079460000"},
			{AccountID: acc.ID, Name: "Jon Smith"},
		} {
			_, err := f.app.CreateContact(ctx, f.sales, c, false)
			wantKind(t, err, fault.Conflict)
		}
		if _, err := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: other.ID, Name: "John Smith"}, false); err != nil {
			t.Fatalf("same name at another account is a different person: %v", err)
		}
		_, err := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: "nope", Name: "X", Email: "bad"}, false)
		e := wantKind(t, err, fault.Invalid)
		if len(e.Fields) != 2 {
			t.Fatalf("want account_id and email errors, got %+v", e.Fields)
		}
	})
}

func TestSignInAndTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		secret, u, err := f.app.SignIn(ctx, "SAM@example.com", "correct horse battery", app.Client{IP: "10.0.0.1"})
		if err != nil || u.ID != f.sales.User.ID {
			t.Fatalf("sign in: %v", err)
		}
		actor, sess, err := f.app.SessionActor(ctx, secret)
		if err != nil || actor.User.ID != u.ID {
			t.Fatalf("session: %v", err)
		}
		_, _, err = f.app.SignIn(ctx, "sam@example.com", "wrong password!!", app.Client{IP: "10.0.0.1"})
		wantKind(t, err, fault.Unauthorized)
		_, _, err = f.app.SignIn(ctx, "nobody@example.com", "wrong password!!", app.Client{IP: "10.0.0.1"})
		wantKind(t, err, fault.Unauthorized)
		if err := f.app.SignOut(ctx, actor, sess.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.app.SessionActor(ctx, secret)
		wantKind(t, err, fault.Unauthorized)

		_, _, err = f.app.CreateToken(ctx, f.sales, app.NewToken{Scope: "admin"})
		wantKind(t, err, fault.Invalid)
		tok, tsecret, err := f.app.CreateToken(ctx, f.sales, app.NewToken{Label: "laptop", Scope: "read"})
		if err != nil {
			t.Fatal(err)
		}
		ta, err := f.app.TokenActor(ctx, tsecret)
		if err != nil || ta.Scope != access.ScopeRead || ta.User.ID != f.sales.User.ID {
			t.Fatalf("token actor: %v %+v", err, ta)
		}
		if err := f.app.RevokeToken(ctx, f.service, tok.ID); fault.KindOf(err) != fault.Forbidden {
			t.Fatalf("another user revoked a token: %v", err)
		}
		if err := f.app.RevokeToken(ctx, f.sales, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.app.TokenActor(ctx, tsecret)
		wantKind(t, err, fault.Unauthorized)
	})
}
