package app_test

import (
	"context"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// moves is a book with two sales users: Sam owns two accounts, Sue one.
type moves struct {
	fixture
	sue, manager     access.Actor
	samA, samB, sueA customer.Account
	ctx              context.Context
}

func setupMoves(t *testing.T, s *store.Store) moves {
	t.Helper()
	m := moves{fixture: setup(t, s), ctx: context.Background()}
	add := func(email, role string) access.Actor {
		u, _, err := m.app.AddUser(m.ctx, access.System, app.NewUser{Email: email, Name: email, Role: role, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		return access.Actor{User: u, Scope: access.ScopeAdmin}
	}
	m.sue, m.manager = add("sue@example.com", "sales"), add("mia@example.com", "manager")
	account := func(name string, owner access.Actor) customer.Account {
		acc, err := m.app.CreateAccount(m.ctx, m.admin, customer.Account{Name: name, OwnerID: owner.User.ID}, true)
		if err != nil {
			t.Fatal(err)
		}
		return acc
	}
	m.samA, m.samB, m.sueA = account("Sam's first", m.sales), account("Sam's second", m.sales), account("Sue's", m.sue)
	return m
}

func (m moves) contact(t *testing.T, acc customer.Account) customer.Contact {
	t.Helper()
	c, err := m.app.CreateContact(m.ctx, m.admin, customer.Contact{AccountID: acc.ID, Name: "Dana Scully"}, true)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestContactMovesAreAllowedOnBothAccounts: moving a contact takes it off
// one account and puts it on another, so the actor must be allowed on
// both; a sales user cannot take a contact off another's account (and so
// cannot delete it there by moving it first).
func TestContactMovesAreAllowedOnBothAccounts(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		m := setupMoves(t, s)
		move := func(actor access.Actor, c customer.Contact, to string) error {
			_, err := m.app.UpdateContact(m.ctx, actor, c.ID, app.ContactPatch{AccountID: &to}, 0)
			return err
		}
		stays := func(c customer.Contact) {
			t.Helper()
			now, err := m.app.Contact(m.ctx, m.admin, c.ID)
			if err != nil || now.AccountID != c.AccountID || now.Version != c.Version {
				t.Fatalf("a refused move changed the contact: %v %+v", err, now)
			}
		}
		// The hole: Sam could not delete Sue's contact, but could move it to
		// his own account and delete it there.
		sues := m.contact(t, m.sueA)
		wantKind(t, m.app.DeleteContact(m.ctx, m.sales, sues.ID, 0), fault.Forbidden)
		wantKind(t, move(m.sales, sues, m.samA.ID), fault.Forbidden)
		stays(sues)
		wantKind(t, m.app.DeleteContact(m.ctx, m.sales, sues.ID, 0), fault.Forbidden)
		// Nor may he put his own contact on Sue's account.
		sams := m.contact(t, m.samA)
		wantKind(t, move(m.sales, sams, m.sueA.ID), fault.Forbidden)
		stays(sams)
		// A contact always has an account.
		wantKind(t, move(m.sales, sams, ""), fault.Invalid)
		stays(sams)
		// A service agent edits contacts but moves none.
		wantKind(t, move(m.service, sues, m.samA.ID), fault.Forbidden)
		stays(sues)
		// Between his own accounts Sam moves freely.
		if err := move(m.sales, sams, m.samB.ID); err != nil {
			t.Fatalf("between his own accounts: %v", err)
		}
		if now, _ := m.app.Contact(m.ctx, m.admin, sams.ID); now.AccountID != m.samB.ID {
			t.Fatalf("the move did not happen: %+v", now)
		}
		// Editing anything else on someone else's contact stays open to all.
		title := "CFO"
		if _, err := m.app.UpdateContact(m.ctx, m.sales, sues.ID, app.ContactPatch{Title: &title}, 0); err != nil {
			t.Fatalf("editing another's contact: %v", err)
		}
		// Managers move contacts between any accounts.
		if err := move(m.manager, sues, m.samA.ID); err != nil {
			t.Fatalf("a manager's move: %v", err)
		}
		// A same-account patch is no move.
		same := m.samA.ID
		if _, err := m.app.UpdateContact(m.ctx, m.service, sues.ID, app.ContactPatch{AccountID: &same, Title: &title}, 0); err != nil {
			t.Fatalf("a patch naming the same account: %v", err)
		}
	})
}

// TestInteractionsStayOnTheirAccount: an interaction never changes account,
// and a correction cannot name another account's contact.
func TestInteractionsStayOnTheirAccount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		m := setupMoves(t, s)
		sues := m.contact(t, m.sueA)
		i, err := m.app.LogInteraction(m.ctx, m.sales, customer.Interaction{AccountID: m.samA.ID, Channel: "phone", Direction: "out", Summary: "call"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.app.UpdateInteraction(m.ctx, m.sales, i.ID, app.InteractionPatch{ContactID: &sues.ID}, 0)
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "contact_id" {
			t.Fatalf("want a problem with the contact, got %+v", e.Fields)
		}
		_, err = m.app.LogInteraction(m.ctx, m.sales, customer.Interaction{AccountID: m.samA.ID, ContactID: sues.ID, Channel: "phone", Direction: "out", Summary: "call"})
		wantKind(t, err, fault.Invalid)
		if now, _ := m.app.Interaction(m.ctx, m.admin, i.ID); now.AccountID != m.samA.ID || now.ContactID != "" || now.Version != i.Version {
			t.Fatalf("the interaction changed: %+v", now)
		}
	})
}

// TestCasesStayOnTheirAccount: a case never changes account and never
// names another account's contact, when opened or when edited (the
// customer's answer link is emailed to the case's contact).
func TestCasesStayOnTheirAccount(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		m := setupMoves(t, s)
		sues, sams := m.contact(t, m.sueA), m.contact(t, m.samA)
		_, err := m.app.OpenCase(m.ctx, m.service, cases.Case{AccountID: m.samA.ID, ContactID: sues.ID, Subject: "Short"})
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "contact_id" {
			t.Fatalf("want a problem with the contact, got %+v", e.Fields)
		}
		c, err := m.app.OpenCase(m.ctx, m.service, cases.Case{AccountID: m.samA.ID, ContactID: sams.ID, Subject: "Short"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = m.app.UpdateCase(m.ctx, m.service, c.ID, app.CasePatch{ContactID: &sues.ID}, 0)
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "contact_id" {
			t.Fatalf("want a problem with the contact, got %+v", e.Fields)
		}
		if now, _ := m.app.Case(m.ctx, m.admin, c.ID); now.AccountID != m.samA.ID || now.ContactID != sams.ID || now.Version != c.Version {
			t.Fatalf("the case changed: %+v", now)
		}
		none := ""
		if _, err := m.app.UpdateCase(m.ctx, m.service, c.ID, app.CasePatch{ContactID: &none}, 0); err != nil {
			t.Fatalf("taking the contact off a case: %v", err)
		}
	})
}

// TestAccountOwnersChangeOnlyByReassignment: an account's owner (what
// "own" means for its contacts) changes only for those who may reassign.
func TestAccountOwnersChangeOnlyByReassignment(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		m := setupMoves(t, s)
		sam, sue := m.sales.User.ID, m.sue.User.ID
		_, err := m.app.UpdateAccount(m.ctx, m.sales, m.sueA.ID, app.AccountPatch{OwnerID: &sam}, 0)
		wantKind(t, err, fault.Forbidden)
		_, err = m.app.UpdateAccount(m.ctx, m.sales, m.samA.ID, app.AccountPatch{OwnerID: &sue}, 0)
		wantKind(t, err, fault.Forbidden)
		_, err = m.app.CreateAccount(m.ctx, m.sales, customer.Account{Name: "For Sue", OwnerID: sue}, true)
		wantKind(t, err, fault.Forbidden)
		if acc, _ := m.app.Account(m.ctx, m.admin, m.sueA.ID); acc.OwnerID != sue {
			t.Fatalf("the owner changed: %+v", acc)
		}
		if acc, err := m.app.UpdateAccount(m.ctx, m.manager, m.sueA.ID, app.AccountPatch{OwnerID: &sam}, 0); err != nil || acc.OwnerID != sam {
			t.Fatalf("a manager reassigns: %v %+v", err, acc)
		}
	})
}
