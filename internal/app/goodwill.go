package app

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/goodwill"
	"tandem/internal/inbox"
	"tandem/internal/store"
)

// GoodwillLimitsKey is the setting that holds the approval limits per role.
const GoodwillLimitsKey = "goodwill_limits"

// GoodwillLimits returns the approval limits per role: the saved ones, or
// the defaults until someone saves others; version is 0 until then.
func (a *App) GoodwillLimits(ctx context.Context, actor access.Actor) (goodwill.Limits, int64, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, 0, err
	}
	return goodwillLimits(ctx, a.store)
}

type settingReader interface {
	Setting(ctx context.Context, key string) (store.Setting, bool, error)
}

func goodwillLimits(ctx context.Context, r settingReader) (goodwill.Limits, int64, error) {
	st, found, err := r.Setting(ctx, GoodwillLimitsKey)
	if err != nil || !found {
		return goodwill.DefaultLimits(), 0, err
	}
	var ls goodwill.Limits
	if err := json.Unmarshal(st.Spec, &ls); err != nil {
		return nil, 0, err
	}
	return ls, st.Version, nil
}

// SaveGoodwillLimits replaces the approval limits (admins). Requests from
// now on are held to them; decided ones keep the limit they were judged
// by. version is the one the caller read (0 for the defaults), or -1 to
// skip the check.
func (a *App) SaveGoodwillLimits(ctx context.Context, actor access.Actor, ls goodwill.Limits, version int64) (goodwill.Limits, int64, error) {
	if err := actor.Require(access.SetGoodwillLimits, false); err != nil {
		return nil, 0, err
	}
	for r, l := range ls {
		l.Absolute.Currency = strings.ToUpper(strings.TrimSpace(l.Absolute.Currency))
		ls[r] = l
	}
	if err := ls.Validate(); err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(ls)
	if err != nil {
		return nil, 0, err
	}
	var saved int64
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, _, err := tx.Setting(ctx, GoodwillLimitsKey)
		if err != nil {
			return err
		}
		if version < -1 || (version >= 0 && version != cur.Version) {
			return fault.StaleVersion("set of goodwill limits")
		}
		now := a.Now()
		if err := tx.SaveSetting(ctx, store.Setting{Key: GoodwillLimitsKey, Name: "Goodwill approval limits", Spec: b, UpdatedAt: now}, cur.Version); err != nil {
			return err
		}
		saved = cur.Version + 1
		var before any
		if cur.Spec != nil {
			before = json.RawMessage(cur.Spec)
		} else {
			before = goodwill.DefaultLimits()
		}
		return a.record(ctx, tx, actor, now, change{kind: "goodwill.limits_changed", subjectType: "goodwill_limits", subjectID: GoodwillLimitsKey,
			offTimeline: true, before: before, after: json.RawMessage(b)})
	})
	return ls, saved, err
}

// accountValue is what is known of an account's value for goodwill: its
// trailing-12-month margin from its delivered orders (AccountValue).
func (a *App) accountValue(ctx context.Context, tx *store.Tx, accountID string) (goodwill.Value, error) {
	return a.goodwillValue(ctx, tx, accountID)
}

// goodwillSnapshot is what a goodwill event holds: the goodwill and the
// names its sentence needs as they were then.
type goodwillSnapshot struct {
	goodwill.Goodwill
	AccountName   string `json:"account_name"`
	RequesterName string `json:"requester_name"`
}

// RequestGoodwill grants goodwill at once when it is within the
// requester's limit; above it, the request waits for a manager, and the
// managers are told.
func (a *App) RequestGoodwill(ctx context.Context, actor access.Actor, in goodwill.Goodwill) (goodwill.Goodwill, error) {
	if err := actor.Require(access.RequestGoodwill, false); err != nil {
		return goodwill.Goodwill{}, err
	}
	in.Normalize()
	now := a.Now()
	in.ID, in.RequestedByID, in.RequestedAt, in.CreatedAt, in.UpdatedAt, in.Version = newID(), actor.User.ID, now, now, now, 1
	in.DecidedByID, in.DecidedAt, in.DecisionNote, in.WithinLimit = "", time.Time{}, "", false
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var f fault.Fields
		if err := in.Validate(); err != nil {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
		acc, err := tx.Account(ctx, in.AccountID)
		if in.AccountID != "" && fault.KindOf(err) == fault.NotFound {
			f.Add("account_id", "no account has this id")
		} else if in.AccountID != "" && err != nil {
			return err
		}
		if in.CaseID != "" {
			c, err := tx.Case(ctx, in.CaseID)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				f.Add("case_id", "no case has this id")
			case err != nil:
				return err
			case c.AccountID != in.AccountID:
				f.Add("case_id", "this case belongs to another account")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		limits, _, err := goodwillLimits(ctx, tx)
		if err != nil {
			return err
		}
		value, err := a.accountValue(ctx, tx, acc.ID)
		if err != nil {
			return err
		}
		in.Decide(limits.For(actor.User.Role, value), now)
		if err := tx.InsertGoodwill(ctx, in); err != nil {
			return err
		}
		snap := goodwillSnapshot{Goodwill: in, AccountName: acc.Name, RequesterName: actorName(actor)}
		if err := a.record(ctx, tx, actor, now, change{kind: "goodwill.requested", accountID: acc.ID, subjectType: "goodwill", subjectID: in.ID,
			team: teamOf(actor), after: snap}); err != nil {
			return err
		}
		if in.Status != goodwill.Pending {
			return nil
		}
		managers, err := tx.Managers(ctx)
		if err != nil {
			return err
		}
		return a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.GoodwillPending, SubjectType: "goodwill", SubjectID: in.ID, AccountID: acc.ID,
			URL: "/goodwill#goodwill-" + in.ID, Message: acc.Name + ": " + actorName(actor) + " asks to grant " + in.Phrase() + " (" + in.Reason +
				"), above their limit of " + in.Limit.String() + ": waiting for your approval"}, managers...)
	})
	return in, err
}

// DecideGoodwill approves or rejects a pending request (managers), never
// one's own, and tells the requester. version is the one the caller read
// (0: any).
func (a *App) DecideGoodwill(ctx context.Context, actor access.Actor, id string, d goodwill.Decision, version int64) (goodwill.Goodwill, error) {
	if err := actor.Require(access.ApproveGoodwill, false); err != nil {
		return goodwill.Goodwill{}, err
	}
	var out goodwill.Goodwill
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Goodwill(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("goodwill")
		}
		g := before
		now := a.Now()
		if err := g.Apply(d, actor.User.ID, now); err != nil {
			return err
		}
		g.UpdatedAt, g.Version = now, before.Version+1
		if err := tx.DecideGoodwill(ctx, g, before.Version); err != nil {
			return err
		}
		acc, err := tx.AccountOwner(ctx, g.AccountID)
		if err != nil {
			return err
		}
		requester, err := tx.User(ctx, g.RequestedByID)
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
		kind, verb := "goodwill.approved", "approved"
		if g.Status == goodwill.Rejected {
			kind, verb = "goodwill.rejected", "turned down"
		}
		snap := goodwillSnapshot{Goodwill: g, AccountName: acc.Name, RequesterName: requester.Name}
		if err := a.record(ctx, tx, actor, now, change{kind: kind, accountID: g.AccountID, subjectType: "goodwill", subjectID: g.ID,
			team: "sales", after: snap}); err != nil { // the decision's snapshot is whole: a sentence needs all of it
			return err
		}
		out = g
		msg := acc.Name + ": " + actorName(actor) + " " + verb + " your " + strings.TrimPrefix(strings.TrimPrefix(g.Phrase(), "a "), "an ") + " (" + g.Reason + ")"
		if g.DecisionNote != "" {
			msg += ": " + g.DecisionNote
		}
		return a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.GoodwillDecided, SubjectType: "goodwill", SubjectID: g.ID, AccountID: g.AccountID,
			URL: "/accounts/" + g.AccountID + "#goodwill", Message: msg}, g.RequestedByID)
	})
	return out, err
}

// Goodwill returns one grant or request of goodwill.
func (a *App) Goodwill(ctx context.Context, actor access.Actor, id string) (goodwill.Goodwill, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return goodwill.Goodwill{}, err
	}
	return a.store.Goodwill(ctx, id)
}

// GoodwillList lists goodwill, newest first.
func (a *App) GoodwillList(ctx context.Context, actor access.Actor, f store.GoodwillFilter, p store.Page) ([]goodwill.Goodwill, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	if f.Status != "" && !slices.Contains(goodwill.Statuses, f.Status) {
		return nil, "", (&fault.Fields{{Field: "status", Message: "use pending, approved or rejected"}}).Err()
	}
	return a.store.GoodwillList(ctx, f, p)
}

// GoodwillTotal is the approved goodwill under one key (a kind, a reason,
// a person or an account) in one currency.
type GoodwillTotal struct {
	Key        string `json:"key"`
	Currency   string `json:"currency"`
	Count      int    `json:"count"`
	TotalMinor int64  `json:"total_minor"`
}

// Amount is the total as money.
func (t GoodwillTotal) Amount() goodwill.Money {
	return goodwill.Money{Minor: t.TotalMinor, Currency: t.Currency}
}

// GoodwillReport is the goodwill approved in a period, by kind, by reason,
// by the person who granted or asked for it, and by account; each list
// the largest first.
type GoodwillReport struct {
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"`
	Total     []GoodwillTotal `json:"total" doc:"One per currency"`
	ByKind    []GoodwillTotal `json:"by_kind"`
	ByReason  []GoodwillTotal `json:"by_reason"`
	ByPerson  []GoodwillTotal `json:"by_person" doc:"key: the requester's user id"`
	ByAccount []GoodwillTotal `json:"by_account" doc:"key: the account's id"`
}

// GoodwillReport sums the goodwill approved in [from, to) (managers). A
// zero to means up to now. Reasons are grouped as written, ignoring case.
func (a *App) GoodwillReport(ctx context.Context, actor access.Actor, from, to time.Time) (GoodwillReport, error) {
	if err := actor.Require(access.ReadTeam, false); err != nil {
		return GoodwillReport{}, err
	}
	if to.IsZero() {
		to = a.Now().Add(time.Millisecond)
	}
	if !to.After(from) {
		return GoodwillReport{}, (&fault.Fields{{Field: "to", Message: "the period ends after it starts"}}).Err()
	}
	sums, err := a.store.GoodwillSums(ctx, from, to)
	if err != nil {
		return GoodwillReport{}, err
	}
	fold := func(key func(store.GoodwillSum) string) []GoodwillTotal {
		index := map[[2]string]int{}
		out := []GoodwillTotal{}
		names := map[string]string{} // a reason's first spelling
		for _, s := range sums {
			k := key(s)
			folded := strings.ToLower(k)
			if first, ok := names[folded]; ok {
				k = first
			} else {
				names[folded] = k
			}
			i, ok := index[[2]string{folded, s.Currency}]
			if !ok {
				i = len(out)
				index[[2]string{folded, s.Currency}] = i
				out = append(out, GoodwillTotal{Key: k, Currency: s.Currency})
			}
			out[i].Count += s.Count
			out[i].TotalMinor += s.TotalMinor
		}
		slices.SortStableFunc(out, func(x, y GoodwillTotal) int {
			return cmp.Or(cmp.Compare(y.TotalMinor, x.TotalMinor), cmp.Compare(x.Key, y.Key), cmp.Compare(x.Currency, y.Currency))
		})
		return out
	}
	return GoodwillReport{From: from, To: to,
		Total:     fold(func(store.GoodwillSum) string { return "all" }),
		ByKind:    fold(func(s store.GoodwillSum) string { return s.Kind }),
		ByReason:  fold(func(s store.GoodwillSum) string { return s.Reason }),
		ByPerson:  fold(func(s store.GoodwillSum) string { return s.RequestedByID }),
		ByAccount: fold(func(s store.GoodwillSum) string { return s.AccountID }),
	}, nil
}
