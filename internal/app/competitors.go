package app

import (
	"context"
	"time"

	"tandem/internal/access"
	"tandem/internal/competitor"
	"tandem/internal/fault"
	"tandem/internal/money"
	"tandem/internal/store"
)

// CompetitorList lists the competitors managers keep, by name.
func (a *App) CompetitorList(ctx context.Context, actor access.Actor) ([]competitor.Competitor, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	list, err := a.store.Competitors(ctx)
	if list == nil {
		list = []competitor.Competitor{}
	}
	return list, err
}

// Competitor returns one competitor.
func (a *App) Competitor(ctx context.Context, actor access.Actor, id string) (competitor.Competitor, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return competitor.Competitor{}, err
	}
	return a.store.Competitor(ctx, id)
}

// CreateCompetitor adds a competitor to the list (managers and admins).
// Names are unique by their key (competitor.Key): "Globex Inc." is
// "Globex".
func (a *App) CreateCompetitor(ctx context.Context, actor access.Actor, c competitor.Competitor) (competitor.Competitor, error) {
	if err := actor.Require(access.EditCompetitors, false); err != nil {
		return competitor.Competitor{}, err
	}
	c.Normalize()
	if err := c.Validate(); err != nil {
		return c, err
	}
	now := a.Now()
	c.ID, c.CreatedAt, c.UpdatedAt, c.Version = newID(), now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertCompetitor(ctx, c); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "competitor.created", subjectType: "competitor", subjectID: c.ID, offTimeline: true, after: c})
	})
	return c, err
}

// CompetitorPatch is a change to a competitor: nil fields stay.
type CompetitorPatch struct {
	Name, Website, Notes *string
	Active               *bool
}

// UpdateCompetitor changes a competitor if its version is still the one
// the caller read (0 skips the check). Renaming it changes no signal: the
// quotes and lost deals keep the name they were recorded with, and match
// the list by key.
func (a *App) UpdateCompetitor(ctx context.Context, actor access.Actor, id string, p CompetitorPatch, version int64) (competitor.Competitor, error) {
	if err := actor.Require(access.EditCompetitors, false); err != nil {
		return competitor.Competitor{}, err
	}
	var out competitor.Competitor
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Competitor(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("competitor")
		}
		c := before
		for dst, v := range map[*string]*string{&c.Name: p.Name, &c.Website: p.Website, &c.Notes: p.Notes} {
			if v != nil {
				*dst = *v
			}
		}
		if p.Active != nil {
			c.Active = *p.Active
		}
		c.Normalize()
		if err := c.Validate(); err != nil {
			return err
		}
		now := a.Now()
		c.UpdatedAt, c.Version = now, before.Version+1
		if err := tx.UpdateCompetitor(ctx, c, before.Version); err != nil {
			return err
		}
		out = c
		return a.record(ctx, tx, actor, now, change{kind: "competitor.changed", subjectType: "competitor", subjectID: c.ID, offTimeline: true,
			before: before, after: c})
	})
	return out, err
}

// canonicalCompetitor spells a recorded competitor name as the list does
// when its key matches one of the list's; other names stay as typed.
func canonicalCompetitor(ctx context.Context, q interface {
	Competitors(context.Context) ([]competitor.Competitor, error)
}, name string) (string, error) {
	if name == "" {
		return "", nil
	}
	list, err := q.Competitors(ctx)
	if err != nil {
		return name, err
	}
	if c, ok := competitor.Match(list, name); ok {
		return c.Name, nil
	}
	return name, nil
}

// signalLimit is how many signals an account's or competitor's list shows.
const signalLimit = 50

// ShoppingSignals are an account's signs of shopping elsewhere over the
// last 90 days: competitor quotes, its saying it compares offers, and
// deals lost, matched to the competitors list.
func (a *App) ShoppingSignals(ctx context.Context, actor access.Actor, accountID string) (competitor.Signals, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return competitor.Signals{}, err
	}
	from := a.Now().Add(-competitor.Window)
	list, err := a.store.Competitors(ctx)
	if err != nil {
		return competitor.Signals{}, err
	}
	signals, err := a.store.ShoppingSignals(ctx, accountID, from, signalLimit)
	if err != nil {
		return competitor.Signals{}, err
	}
	return competitor.Summarize(from, list, signals), nil
}

// ShoppingTallies counts the signals of the last days per competitor of
// the list (names as recorded folded in by key), then the names not on
// it (managers and admins).
func (a *App) ShoppingTallies(ctx context.Context, actor access.Actor, days int) ([]competitor.Tally, time.Time, error) {
	if err := actor.Require(access.ReadDealsTeam, false); err != nil {
		return nil, time.Time{}, err
	}
	if days < 1 || days > 3660 {
		return nil, time.Time{}, (&fault.Fields{{Field: "days", Message: "look back 1 to 3,660 days"}}).Err()
	}
	from := a.Now().AddDate(0, 0, -days)
	list, err := a.store.Competitors(ctx)
	if err != nil {
		return nil, from, err
	}
	counts, err := a.store.ShoppingCounts(ctx, from)
	if err != nil {
		return nil, from, err
	}
	return competitor.Fold(list, counts), from, nil
}

// CompetitorSignals lists the signals naming one competitor of the list
// over the last 90 days, the newest first.
func (a *App) CompetitorSignals(ctx context.Context, actor access.Actor, id string) (competitor.Signals, error) {
	c, err := a.Competitor(ctx, actor, id)
	if err != nil {
		return competitor.Signals{}, err
	}
	from := a.Now().Add(-competitor.Window)
	counts, err := a.store.ShoppingCounts(ctx, from)
	if err != nil {
		return competitor.Signals{}, err
	}
	var names []string
	key := competitor.Key(c.Name)
	seen := map[string]bool{}
	for _, n := range counts {
		if competitor.Key(n.Competitor) == key && !seen[n.Competitor] {
			seen[n.Competitor] = true
			names = append(names, n.Competitor)
		}
	}
	signals, err := a.store.CompetitorSignals(ctx, names, from, signalLimit)
	if err != nil {
		return competitor.Signals{}, err
	}
	return competitor.Summarize(from, []competitor.Competitor{c}, signals), nil
}

// Wallet returns sales' estimate of an account's total spend in our
// category, nil when none was entered.
func (a *App) Wallet(ctx context.Context, actor access.Actor, accountID string) (*store.Wallet, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.Wallet(ctx, accountID)
}

// SetWallet enters (or, with nil, removes) the estimate of an account's
// total spend in our category over 12 months, for the share of wallet:
// the account's owner among sales, managers and admins may.
func (a *App) SetWallet(ctx context.Context, actor access.Actor, accountID string, spend *money.Money, note string) (*store.Wallet, error) {
	var out *store.Wallet
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		acc, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		if err := actor.Require(access.EstimateWallet, acc.OwnerID == actor.User.ID); err != nil {
			return err
		}
		var f fault.Fields
		if spend != nil {
			spend.Validate("category_spend", &f)
			switch {
			case spend.Minor == 0:
				f.Add("category_spend.amount_minor", "give the customer's yearly spend in our category, above zero")
			case spend.Minor > 1e15:
				f.Add("category_spend.amount_minor", "give a smaller amount")
			}
		}
		if len(note) > 500 {
			f.Add("note", "keep the note under 500 characters")
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, err := tx.Wallet(ctx, accountID)
		if err != nil {
			return err
		}
		now := a.Now()
		if err := tx.SetWallet(ctx, accountID, spend, note, actor.User.ID, now); err != nil {
			return err
		}
		if spend != nil {
			out = &store.Wallet{Spend: *spend, Note: note, UpdatedByID: actor.User.ID, UpdatedAt: now}
		}
		type snap struct {
			AccountName   string       `json:"account_name"`
			CategorySpend *money.Money `json:"category_spend"`
		}
		var was *money.Money
		if before != nil {
			was = &before.Spend
		}
		return a.record(ctx, tx, actor, now, change{kind: "account.wallet_estimated", accountID: accountID, subjectType: "account",
			subjectID: accountID, team: "sales", before: snap{acc.Name, was}, after: snap{acc.Name, spend}})
	})
	return out, err
}
