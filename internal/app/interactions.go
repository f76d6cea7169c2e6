package app

import (
	"context"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/store"
)

// InteractionPatch holds the fields to change; nil leaves a field as it is.
type InteractionPatch struct {
	ContactID, Team, Channel, Direction, Kind, Competitor, Summary, Body, Outcome *string
	OccurredAt                                                                    *time.Time
}

// LogInteraction records a touch with a customer. The team defaults to the
// actor's (service for service agents, sales otherwise) and the time to now.
func (a *App) LogInteraction(ctx context.Context, actor access.Actor, in customer.Interaction) (customer.Interaction, error) {
	if err := actor.Require(access.LogInteraction, false); err != nil {
		return customer.Interaction{}, err
	}
	now := a.Now()
	if in.Team == "" {
		in.Team = customer.TeamSales
		if actor.User.Role == access.Service {
			in.Team = customer.TeamService
		}
	}
	if in.OccurredAt.IsZero() {
		in.OccurredAt = now
	}
	in.OccurredAt = in.OccurredAt.UTC().Truncate(time.Millisecond)
	in.Normalize()
	in.ID, in.UserID, in.CreatedAt, in.UpdatedAt, in.Version = newID(), actor.User.ID, now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		acc, err := a.validInteraction(ctx, tx, in, now)
		if err != nil {
			return err
		}
		if in.Competitor, err = canonicalCompetitor(ctx, tx, in.Competitor); err != nil {
			return err
		}
		if err := tx.InsertInteraction(ctx, in); err != nil {
			return err
		}
		if err := a.record(ctx, tx, actor, now, change{kind: logged, accountID: in.AccountID, subjectType: "interaction",
			subjectID: in.ID, team: in.Team, after: in, offTimeline: true}); err != nil {
			return err
		}
		switch {
		case in.Kind == customer.CompetitorQuote:
			return a.notifyOwner(ctx, tx, actor, acc, inbox.Notification{Kind: inbox.CompetitorQuote, SubjectType: "interaction",
				SubjectID: in.ID, URL: "/accounts/" + in.AccountID + "#timeline", Message: "shopping elsewhere: " + in.Competitor + " quoted — " + in.Summary})
		case in.Outcome == "negative":
			return a.notifyOwner(ctx, tx, actor, acc, inbox.Notification{Kind: inbox.NegativeInteraction, SubjectType: "interaction",
				SubjectID: in.ID, URL: "/accounts/" + in.AccountID + "#timeline", Message: "a " + in.Team + " contact went badly — " + in.Summary})
		}
		return nil
	})
	return in, err
}

// validInteraction checks an interaction and returns its account.
func (a *App) validInteraction(ctx context.Context, tx *store.Tx, i customer.Interaction, now time.Time) (customer.Account, error) {
	var f fault.Fields
	if err := i.Validate(now); err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	var acc customer.Account
	if i.AccountID != "" {
		var err error
		if acc, err = tx.AccountOwner(ctx, i.AccountID); fault.KindOf(err) == fault.NotFound {
			f.Add("account_id", "no account has this id")
		} else if err != nil {
			return acc, err
		}
	}
	if i.ContactID != "" {
		c, err := tx.Contact(ctx, i.ContactID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			f.Add("contact_id", "no contact has this id")
		case err != nil:
			return acc, err
		case c.AccountID != i.AccountID:
			f.Add("contact_id", "this contact belongs to another account")
		}
	}
	return acc, f.Err()
}

// Interaction returns one interaction.
func (a *App) Interaction(ctx context.Context, actor access.Actor, id string) (customer.Interaction, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return customer.Interaction{}, err
	}
	return a.store.Interaction(ctx, id)
}

// Interactions lists interactions, newest first.
func (a *App) Interactions(ctx context.Context, actor access.Actor, f store.InteractionFilter, p store.Page) ([]customer.Interaction, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	return a.store.Interactions(ctx, f, p)
}

// editableInteraction loads an interaction the actor may change at the
// version they expect.
func editableInteraction(ctx context.Context, tx *store.Tx, actor access.Actor, id string, version int64) (customer.Interaction, error) {
	i, err := tx.Interaction(ctx, id)
	if err != nil {
		return i, err
	}
	if err := actor.Require(access.EditInteraction, i.UserID == actor.User.ID); err != nil {
		return i, err
	}
	if version != 0 && version != i.Version {
		return i, fault.StaleVersion("interaction")
	}
	return i, nil
}

// UpdateInteraction corrects an interaction; its author or a manager may.
func (a *App) UpdateInteraction(ctx context.Context, actor access.Actor, id string, p InteractionPatch, version int64) (customer.Interaction, error) {
	var out customer.Interaction
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := editableInteraction(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		after := before
		for dst, v := range map[*string]*string{&after.ContactID: p.ContactID, &after.Team: p.Team, &after.Channel: p.Channel,
			&after.Direction: p.Direction, &after.Kind: p.Kind, &after.Competitor: p.Competitor, &after.Summary: p.Summary,
			&after.Body: p.Body, &after.Outcome: p.Outcome} {
			if v != nil {
				*dst = *v
			}
		}
		if p.OccurredAt != nil {
			after.OccurredAt = p.OccurredAt.UTC().Truncate(time.Millisecond)
		}
		after.Normalize()
		now := a.Now()
		if _, err := a.validInteraction(ctx, tx, after, now); err != nil {
			return err
		}
		if p.Competitor != nil {
			if after.Competitor, err = canonicalCompetitor(ctx, tx, after.Competitor); err != nil {
				return err
			}
		}
		after.UpdatedAt, after.Version = now, before.Version+1
		if err := tx.UpdateInteraction(ctx, after, before.Version); err != nil {
			return err
		}
		out = after
		return a.record(ctx, tx, actor, now, change{kind: "interaction.updated", accountID: after.AccountID, subjectType: "interaction",
			subjectID: id, team: after.Team, before: before, after: after})
	})
	return out, err
}

// DeleteInteraction removes an interaction; its author or a manager may.
func (a *App) DeleteInteraction(ctx context.Context, actor access.Actor, id string, version int64) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := editableInteraction(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		if err := tx.DeleteInteraction(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "interaction.deleted", accountID: before.AccountID, subjectType: "interaction",
			subjectID: id, team: before.Team, before: before})
	})
}

// Timeline returns a page of an account's timeline, newest first.
func (a *App) Timeline(ctx context.Context, actor access.Actor, accountID string, f event.Filter, p store.Page) ([]event.Item, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	if _, err := a.store.Account(ctx, accountID); err != nil {
		return nil, "", err
	}
	return a.store.Timeline(ctx, accountID, f, p)
}

// Audit lists the event log for managers and admins.
func (a *App) Audit(ctx context.Context, actor access.Actor, f store.AuditFilter, p store.Page) ([]event.Event, string, error) {
	if err := actor.Require(access.ReadAudit, false); err != nil {
		return nil, "", err
	}
	f, err := a.auditFilter(ctx, f)
	if err != nil {
		return nil, "", err
	}
	evs, next, err := a.store.Audit(ctx, f, p)
	if err != nil {
		return nil, "", err
	}
	for i := range evs {
		if err := a.expand(ctx, &evs[i]); err != nil {
			return nil, "", err
		}
	}
	return evs, next, nil
}

// maxAuditAccounts is how many accounts a name typed into the audit
// filter may match.
const maxAuditAccounts = 100

// auditFilter checks a filter of the event log and finds the accounts a
// typed name matches (as the account search does).
func (a *App) auditFilter(ctx context.Context, f store.AuditFilter) (store.AuditFilter, error) {
	var bad fault.Fields
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		bad.Add("to", "the end is not after the start; choose an end on or after the start date")
	}
	if name := strings.TrimSpace(f.AccountName); name != "" {
		accs, _, err := a.store.Accounts(ctx, store.AccountFilter{Q: name}, store.Page{Limit: maxAuditAccounts})
		if err != nil {
			return f, err
		}
		if len(accs) == 0 {
			bad.Add("account", "no account's name matches “"+name+"”")
		}
		f.AccountIDs = f.AccountIDs[:0:0]
		for _, acc := range accs {
			f.AccountIDs = append(f.AccountIDs, acc.ID)
		}
	}
	return f, bad.Err()
}

// Attention is what needs a user today.
type Attention struct {
	Cases   []cases.Case // open cases at the user's accounts, soonest due first
	Signals []store.Signal
	Quiet   []store.Quiet
}

// Attention returns the signals at the actor's accounts (all accounts for
// those who own none) in the last two weeks, and their accounts nobody has
// touched for 45 days.
func (a *App) Attention(ctx context.Context, actor access.Actor) (Attention, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return Attention{}, err
	}
	now := a.Now()
	owner := ""
	if actor.User.Role == access.Sales {
		owner = actor.User.ID
	}
	sig, err := a.store.Signals(ctx, owner, now.AddDate(0, 0, -14), 20)
	if err != nil {
		return Attention{}, err
	}
	var quiet []store.Quiet
	var open []cases.Case
	if owner != "" {
		if quiet, err = a.store.QuietAccounts(ctx, owner, now.AddDate(0, 0, -45), 10); err != nil {
			return Attention{}, err
		}
		open, _, err = a.store.Cases(ctx, store.CaseFilter{OwnerID: owner, Statuses: cases.Unfinished}, store.Page{Limit: 20})
		if err != nil {
			return Attention{}, err
		}
	}
	return Attention{Cases: open, Signals: sig, Quiet: quiet}, nil
}

// AuditEach calls each for every event matching the filter, newest first.
func (a *App) AuditEach(ctx context.Context, actor access.Actor, f store.AuditFilter, each func(event.Event) error) error {
	cursor := ""
	for {
		evs, next, err := a.Audit(ctx, actor, f, store.Page{Cursor: cursor, Limit: 500})
		if err != nil {
			return err
		}
		for _, e := range evs {
			if err := each(e); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}
