package app

import (
	"context"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
)

// ContactPatch holds the fields to change; nil leaves a field as it is.
type ContactPatch struct {
	AccountID, Name, Email, Phone, Title *string
}

// CreateContact adds a contact. Unless allowDuplicate, a contact that looks
// like an existing one is refused with the candidates.
func (a *App) CreateContact(ctx context.Context, actor access.Actor, in customer.Contact, allowDuplicate bool) (customer.Contact, error) {
	if err := actor.Require(access.EditContacts, false); err != nil {
		return customer.Contact{}, err
	}
	in.Normalize()
	now := a.Now()
	in.ID, in.CreatedAt, in.UpdatedAt, in.Version = newID(), now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := a.validContact(ctx, tx, in); err != nil {
			return err
		}
		k := customer.ContactKeysOf(in, a.region)
		if !allowDuplicate {
			cands, err := a.contactDuplicates(ctx, tx, in, k)
			if err != nil {
				return err
			}
			if len(cands) > 0 {
				return duplicateError("contact", cands)
			}
		}
		if err := tx.InsertContact(ctx, in, k); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "contact.created", accountID: in.AccountID, subjectType: "contact", subjectID: in.ID, after: in})
	})
	return in, err
}

func (a *App) validContact(ctx context.Context, tx *store.Tx, c customer.Contact) error {
	var f fault.Fields
	if err := c.Validate(a.region); err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	if c.AccountID != "" {
		if _, err := tx.Account(ctx, c.AccountID); fault.KindOf(err) == fault.NotFound {
			f.Add("account_id", "no account has this id")
		} else if err != nil {
			return err
		}
	}
	return f.Err()
}

func (a *App) contactDuplicates(ctx context.Context, tx *store.Tx, c customer.Contact, k customer.ContactKeys) ([]customer.Candidate, error) {
	existing, keys, err := tx.ContactCandidates(ctx, k)
	if err != nil {
		return nil, err
	}
	var out []customer.Candidate
	for i, e := range existing {
		if e.ID == c.ID {
			continue
		}
		if why := customer.MatchContact(k, keys[i]); len(why) > 0 {
			out = append(out, customer.Candidate{ID: e.ID, Name: e.Name, Reasons: why})
		}
	}
	return out, nil
}

// Contact returns one contact.
func (a *App) Contact(ctx context.Context, actor access.Actor, id string) (customer.Contact, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return customer.Contact{}, err
	}
	return a.store.Contact(ctx, id)
}

// Contacts lists contacts, of one account when accountID is set.
func (a *App) Contacts(ctx context.Context, actor access.Actor, accountID string, p store.Page) ([]customer.Contact, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	return a.store.Contacts(ctx, accountID, p)
}

// UpdateContact changes a contact; version as for UpdateAccount.
func (a *App) UpdateContact(ctx context.Context, actor access.Actor, id string, p ContactPatch, version int64) (customer.Contact, error) {
	if err := actor.Require(access.EditContacts, false); err != nil {
		return customer.Contact{}, err
	}
	var out customer.Contact
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Contact(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("contact")
		}
		after := before
		for dst, v := range map[*string]*string{&after.AccountID: p.AccountID, &after.Name: p.Name, &after.Email: p.Email, &after.Phone: p.Phone, &after.Title: p.Title} {
			if v != nil {
				*dst = *v
			}
		}
		after.Normalize()
		if err := a.validContact(ctx, tx, after); err != nil {
			return err
		}
		if after.AccountID != before.AccountID {
			if err := a.mayMoveContact(ctx, tx, actor, before.AccountID, after.AccountID); err != nil {
				return err
			}
		}
		now := a.Now()
		after.UpdatedAt, after.Version = now, before.Version+1
		if err := tx.UpdateContact(ctx, after, customer.ContactKeysOf(after, a.region), before.Version); err != nil {
			return err
		}
		out = after
		return a.record(ctx, tx, actor, now, change{kind: "contact.updated", accountID: after.AccountID, subjectType: "contact", subjectID: id, before: before, after: after})
	})
	return out, err
}

// mayMoveContact says whether the actor may move a contact from one account
// to another: a move must be allowed on both, so a sales user moves
// contacts only between accounts they own (an account of nobody, or no
// account, is not theirs).
func (a *App) mayMoveContact(ctx context.Context, tx *store.Tx, actor access.Actor, from, to string) error {
	owns := true
	for _, id := range []string{from, to} {
		owner := ""
		if id != "" {
			acc, err := tx.AccountOwner(ctx, id)
			if err != nil {
				return err
			}
			owner = acc.OwnerID
		}
		owns = owns && owner != "" && owner == actor.User.ID
	}
	return actor.Require(access.MoveContact, owns)
}

// DeleteContact removes a contact; the account owner may remove their own.
func (a *App) DeleteContact(ctx context.Context, actor access.Actor, id string, version int64) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Contact(ctx, id)
		if err != nil {
			return err
		}
		acc, err := tx.Account(ctx, before.AccountID)
		if err != nil {
			return err
		}
		if err := actor.Require(access.DeleteContact, acc.OwnerID == actor.User.ID); err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("contact")
		}
		if err := tx.DeleteContact(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "contact.deleted", accountID: before.AccountID, subjectType: "contact", subjectID: id, before: before})
	})
}
