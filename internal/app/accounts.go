package app

import (
	"context"
	"slices"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
)

// AccountPatch holds the fields to change; nil leaves a field as it is.
type AccountPatch struct {
	Name, Kind, OwnerID, Tier, ExternalID, Domain, Phone *string
}

func (p AccountPatch) apply(a *customer.Account) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&a.Name, p.Name)
	set(&a.Kind, p.Kind)
	set(&a.OwnerID, p.OwnerID)
	set(&a.Tier, p.Tier)
	set(&a.ExternalID, p.ExternalID)
	set(&a.Domain, p.Domain)
	set(&a.Phone, p.Phone)
}

// duplicates returns the accounts that may be the same customer as a.
func (a *App) duplicates(ctx context.Context, q interface {
	AccountCandidates(context.Context, customer.AccountKeys) ([]customer.Account, error)
}, acc customer.Account, k customer.AccountKeys) ([]customer.Candidate, error) {
	existing, err := q.AccountCandidates(ctx, k)
	if err != nil {
		return nil, err
	}
	var out []customer.Candidate
	for _, e := range existing {
		if e.ID == acc.ID {
			continue
		}
		if why := customer.MatchAccount(k, e, customer.KeysOf(e, a.region)); len(why) > 0 {
			out = append(out, customer.Candidate{ID: e.ID, Name: e.Name, Reasons: why})
		}
	}
	return out, nil
}

func duplicateError(what string, cands []customer.Candidate) error {
	return &fault.Error{Kind: fault.Conflict, Detail: cands,
		Message: "this " + what + " looks like one Tandem already has; open the existing one, or save anyway if it is a different customer"}
}

// checkOwner makes sure an owner is an active sales user or manager.
func (a *App) checkOwner(ctx context.Context, q interface {
	User(context.Context, string) (access.User, error)
}, id string, f *fault.Fields) error {
	if id == "" {
		return nil
	}
	u, err := q.User(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		f.Add("owner_id", "no user has this id")
		return nil
	}
	if err != nil {
		return err
	}
	if !canOwn(u) {
		f.Add("owner_id", "an account's owner must be an active sales user or manager")
	}
	return nil
}

// canOwn says whether a user may own accounts.
func canOwn(u access.User) bool {
	return u.Active && (u.Role == access.Sales || u.Role == access.Manager)
}

// Owners lists the users who may own accounts, for a choice of owner.
func (a *App) Owners(ctx context.Context, actor access.Actor) ([]access.User, error) {
	users, err := a.Users(ctx, actor)
	return slices.DeleteFunc(users, func(u access.User) bool { return !canOwn(u) }), err
}

// CreateAccount adds an account. Unless allowDuplicate, an account that
// looks like an existing one is refused with the candidates.
func (a *App) CreateAccount(ctx context.Context, actor access.Actor, in customer.Account, allowDuplicate bool) (customer.Account, error) {
	if err := actor.Require(access.CreateAccount, false); err != nil {
		return customer.Account{}, err
	}
	in.Normalize()
	if in.OwnerID == "" && actor.User.Role == access.Sales {
		in.OwnerID = actor.User.ID
	}
	if in.OwnerID != "" && in.OwnerID != actor.User.ID && !actor.Can(access.ReassignOwner, false) {
		return customer.Account{}, fault.Forbiddenf("only managers can give an account to someone else")
	}
	now := a.Now()
	in.ID, in.CreatedAt, in.UpdatedAt, in.Version = newID(), now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var f fault.Fields
		if err := a.checkOwner(ctx, tx, in.OwnerID, &f); err != nil {
			return err
		}
		if err := in.Validate(a.region); err != nil {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
		if err := f.Err(); err != nil {
			return err
		}
		k := customer.KeysOf(in, a.region)
		if !allowDuplicate {
			cands, err := a.duplicates(ctx, tx, in, k)
			if err != nil {
				return err
			}
			if len(cands) > 0 {
				return duplicateError("account", cands)
			}
		}
		if err := tx.InsertAccount(ctx, in, k); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "account.created", accountID: in.ID, subjectType: "account", subjectID: in.ID, after: in})
	})
	return in, err
}

// Account returns one account.
func (a *App) Account(ctx context.Context, actor access.Actor, id string) (customer.Account, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return customer.Account{}, err
	}
	return a.store.Account(ctx, id)
}

// Accounts lists accounts.
func (a *App) Accounts(ctx context.Context, actor access.Actor, f store.AccountFilter, p store.Page) ([]customer.Account, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	if err := accountOrder(&f); err != nil {
		return nil, "", err
	}
	return a.store.Accounts(ctx, f, p)
}

// AccountPage is a page of the account list in the order f asks for
// (store.AccountSorts), with the previous page's cursor and how many
// accounts match in all.
func (a *App) AccountPage(ctx context.Context, actor access.Actor, f store.AccountFilter, p store.Page) (store.AccountPage, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return store.AccountPage{}, err
	}
	if err := accountOrder(&f); err != nil {
		return store.AccountPage{}, err
	}
	return a.store.AccountPage(ctx, f, p)
}

// accountOrder checks the order a list asks for and gives the store what
// the order means: the tiers from least to most valuable, and the
// statuses of the cases that count as open.
func accountOrder(f *store.AccountFilter) error {
	if f.Sort != "" && !slices.Contains(store.AccountSorts, f.Sort) {
		return (&fault.Fields{{Field: "sort", Message: "sort by name, tier, last_contact or open_cases"}}).Err()
	}
	f.Tiers, f.Open = customer.Tiers, cases.Unfinished
	return nil
}

// UpdateAccount changes an account. version 0 skips the concurrency check;
// otherwise a different stored version is a stale write.
func (a *App) UpdateAccount(ctx context.Context, actor access.Actor, id string, p AccountPatch, version int64) (customer.Account, error) {
	var out customer.Account
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		if err := actor.Require(access.EditAccount, before.OwnerID == actor.User.ID); err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("account")
		}
		after := before
		p.apply(&after)
		after.Normalize()
		if after.OwnerID != before.OwnerID {
			if err := actor.Require(access.ReassignOwner, false); err != nil {
				return err
			}
		}
		var f fault.Fields
		if err := a.checkOwner(ctx, tx, after.OwnerID, &f); err != nil {
			return err
		}
		if err := after.Validate(a.region); err != nil {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
		if err := f.Err(); err != nil {
			return err
		}
		now := a.Now()
		after.UpdatedAt, after.Version = now, before.Version+1
		if err := tx.UpdateAccount(ctx, after, customer.KeysOf(after, a.region), before.Version); err != nil {
			return err
		}
		out = after
		kind := "account.updated"
		if after.OwnerID != before.OwnerID {
			kind = "account.owner_changed"
		}
		return a.record(ctx, tx, actor, now, change{kind: kind, accountID: id, subjectType: "account", subjectID: id, before: before, after: after})
	})
	return out, err
}

// DeleteAccount removes an account with its contacts and interactions.
func (a *App) DeleteAccount(ctx context.Context, actor access.Actor, id string, version int64) error {
	if err := actor.Require(access.DeleteAccount, false); err != nil {
		return err
	}
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Account(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("account")
		}
		if has, err := tx.HasGoodwill(ctx, id); err != nil || has {
			if err == nil {
				err = fault.New(fault.Conflict, "this account has goodwill on record, which is kept: merge the account into another instead of deleting it")
			}
			return err
		}
		if err := tx.DeleteAccount(ctx, id); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "account.deleted", accountID: id, subjectType: "account", subjectID: id, before: before})
	})
}

// MergeAccounts moves everything of account fromID into account intoID and
// removes fromID. Empty fields of the kept account are filled from the other.
func (a *App) MergeAccounts(ctx context.Context, actor access.Actor, intoID, fromID string) (customer.Account, error) {
	if err := actor.Require(access.MergeAccounts, false); err != nil {
		return customer.Account{}, err
	}
	if fromID == "" {
		return customer.Account{}, (&fault.Fields{{Field: "from_id", Message: "name the account to merge into this one"}}).Err()
	}
	if intoID == fromID {
		return customer.Account{}, (&fault.Fields{{Field: "from_id", Message: "an account cannot be merged into itself"}}).Err()
	}
	var out customer.Account
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		into, err := tx.Account(ctx, intoID)
		if err != nil {
			return err
		}
		from, err := tx.Account(ctx, fromID)
		if fault.KindOf(err) == fault.NotFound {
			return (&fault.Fields{{Field: "from_id", Message: "no account has this id"}}).Err()
		}
		if err != nil {
			return err
		}
		merged := into
		fill := func(dst *string, v string) {
			if *dst == "" {
				*dst = v
			}
		}
		fill(&merged.OwnerID, from.OwnerID)
		fill(&merged.Domain, from.Domain)
		fill(&merged.Phone, from.Phone)
		fill(&merged.ExternalID, from.ExternalID) // from is deleted before the update, so this stays unique
		now := a.Now()
		merged.UpdatedAt, merged.Version = now, into.Version+1
		if err := tx.MoveAccount(ctx, from.ID, into.ID); err != nil {
			return err
		}
		if err := tx.DeleteAccount(ctx, from.ID); err != nil {
			return err
		}
		if err := tx.UpdateAccount(ctx, merged, customer.KeysOf(merged, a.region), into.Version); err != nil {
			return err
		}
		out = merged
		return a.record(ctx, tx, actor, now, change{kind: "account.merged", accountID: into.ID, subjectType: "account", subjectID: into.ID,
			before: map[string]any{"kept": into, "merged": from}, after: merged})
	})
	return out, err
}

// AccountActivity returns, by account id, when someone last talked with
// each account and how many of its cases are unfinished.
func (a *App) AccountActivity(ctx context.Context, actor access.Actor, ids []string) (map[string]store.Activity, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.AccountActivity(ctx, ids, cases.Unfinished)
}

// AccountNames returns the names of accounts by id, for lists that show them.
func (a *App) AccountNames(ctx context.Context, actor access.Actor, ids []string) (map[string]string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.AccountNames(ctx, ids)
}
