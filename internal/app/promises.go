package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/promise"
	"tandem/internal/rules"
	"tandem/internal/store"
)

// PromiseScheduler is the part of the job queue that keeps promises on
// time: a check of a promise at a moment (its due time, the end of its
// grace period); asking twice for the same promise and moment schedules
// one check.
type PromiseScheduler interface {
	SchedulePromiseCheck(ctx context.Context, tx *store.Tx, promiseID string, at time.Time) error
}

// promiseSnap is what a promise's events keep: the promise and the names
// its sentences need ("Sam Seller promised Contoso a rebate …").
type promiseSnap struct {
	promise.Promise
	AccountName string `json:"account_name"`
	MakerName   string `json:"maker_name"`
	Summary     string `json:"summary"` // what was promised, in words: "a rebate of €1,200.00"
}

// snapBy is snap when the actor may be its maker, whose name is then at hand.
func (a *App) snapBy(ctx context.Context, tx *store.Tx, actor access.Actor, p promise.Promise, acc customer.Account) promiseSnap {
	if p.MadeByID == actor.User.ID && actor.User.Name != "" {
		return promiseSnap{Promise: p, AccountName: acc.Name, MakerName: actor.User.Name, Summary: p.Words()}
	}
	return a.snap(ctx, tx, p, acc)
}

func (a *App) snap(ctx context.Context, tx *store.Tx, p promise.Promise, acc customer.Account) promiseSnap {
	s := promiseSnap{Promise: p, AccountName: acc.Name, Summary: p.Words()}
	if u, err := tx.User(ctx, p.MadeByID); err == nil {
		s.MakerName = u.Name
	}
	return s
}

// checkPromise judges a promise against the service policies in force
// (internal/rules): its facts, the account's tier and its maker's role.
// A rule that fails on them is a warning naming the faulty policy, which
// never blocks.
func (a *App) checkPromise(ctx context.Context, tx *store.Tx, p promise.Promise, acc customer.Account) ([]promise.Conflict, error) {
	f := rules.Facts{Kind: string(p.Kind), Description: p.Description, AccountTier: acc.Tier,
		DueInDays: rules.DueInDays(a.Now(), p.DueAt, a.Zone())}
	if p.Amount != nil {
		f.AmountMinor, f.Currency = p.Amount.Minor, p.Amount.Currency
	}
	if u, err := tx.User(ctx, p.MadeByID); err == nil {
		f.MakerRole = string(u.Role)
	}
	found, err := a.PolicyConflicts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]promise.Conflict, len(found))
	for i, c := range found {
		out[i] = promise.Conflict{PolicyID: c.PolicyID, Name: c.Name, Statement: c.Statement, Block: c.Severity == rules.Block && !c.Faulty, Faulty: c.Faulty}
		if c.Faulty {
			out[i].Statement = "the policy's rule failed on this promise (" + c.Error + "); a manager should correct it"
			if err := a.reportFaultyPolicy(ctx, tx, c); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// reportFaultyPolicy tells the managers that a policy's rule failed on a
// promise, the first time a version of it fails: not on every promise.
func (a *App) reportFaultyPolicy(ctx context.Context, tx *store.Tx, c rules.Conflict) error {
	first, err := tx.NotePolicyFault(ctx, c.PolicyID, c.PolicyVersion, c.Error, a.Now())
	if err != nil || !first {
		return err
	}
	managers, err := tx.Managers(ctx)
	if err != nil {
		return err
	}
	return a.tell(ctx, tx, access.System, inbox.Notification{Kind: inbox.PolicyFaulty, SubjectType: "policy", SubjectID: c.PolicyID,
		URL: "/policies/" + c.PolicyID, Message: fmt.Sprintf("The service policy “%s” is faulty: its rule failed on a promise being made (%s). "+
			"Promises are saved with a warning naming it until it is corrected.", c.Name, clipWords(c.Error, 200))}, managers...)
}

// validPromise is the one place a promise being made or changed is
// checked: the domain's rules, that its account, contact and case exist
// and belong together, and the service policies (a block refuses it, a
// warning needs an acknowledgement and is kept on the promise). It
// returns the promise's account.
//
// A block refuses the promise unless it carries an exception_reason and
// mayExcept (a manager recording it as an exception).
func (a *App) validPromise(ctx context.Context, tx *store.Tx, p *promise.Promise, now time.Time, field string, mayExcept bool) (customer.Account, error) {
	var f fault.Fields
	if err := p.Validate(now); err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	var acc customer.Account
	if p.AccountID != "" {
		var err error
		acc, err = tx.Account(ctx, p.AccountID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			f.Add("account_id", "no account has this id")
		case err != nil:
			return acc, err
		}
	}
	if acc.ID != "" {
		if err := checkCaseContact(ctx, tx, p.AccountID, p.ContactID, &f); err != nil {
			return acc, err
		}
		if p.CaseID != "" {
			c, err := tx.Case(ctx, p.CaseID)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				f.Add("case_id", "no case has this id")
			case err != nil:
				return acc, err
			case c.AccountID != p.AccountID:
				f.Add("case_id", "this case is another account's")
			}
		}
		if p.PromotionID != "" {
			_, err := tx.Promotion(ctx, p.PromotionID)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				f.Add("promotion_id", "no promotion has this id")
			case err != nil:
				return acc, err
			}
		}
	}
	if field != "" {
		for i := range f {
			f[i].Field = field + "." + f[i].Field
		}
	}
	if err := f.Err(); err != nil {
		return acc, err
	}
	conflicts, err := a.checkPromise(ctx, tx, *p, acc)
	if err != nil {
		return acc, err
	}
	if promise.Blocked(conflicts) && p.ExceptionReason != "" && !mayExcept {
		return acc, &fault.Error{Kind: fault.Forbidden, Message: "only a manager may record a promise as an exception to a block policy",
			Fields: []fault.FieldError{{Field: "exception_reason", Message: "only a manager may record an exception"}}}
	}
	return acc, p.Settle(conflicts)
}

// MakePromise records a promise made to a customer: by the actor, now,
// on the account's timeline; its due time is watched from then on.
func (a *App) MakePromise(ctx context.Context, actor access.Actor, in promise.Promise) (promise.Promise, error) {
	if err := actor.Require(access.MakePromises, false); err != nil {
		return promise.Promise{}, err
	}
	var out promise.Promise
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.makePromise(ctx, tx, actor, in, "")
		return err
	})
	return out, err
}

func (a *App) makePromise(ctx context.Context, tx *store.Tx, actor access.Actor, in promise.Promise, field string) (promise.Promise, error) {
	now := a.Now()
	in.Normalize()
	in.ID, in.MadeByID, in.MadeAt, in.Status, in.CreatedAt, in.UpdatedAt, in.Version = newID(), actor.User.ID, now, promise.Open, now, now, 1
	in.Team = teamOf(actor)
	in.OverdueAt, in.KeptAt, in.KeptByID, in.Evidence, in.BrokenAt, in.BrokenReason, in.CancelledAt, in.CancelReason =
		time.Time{}, time.Time{}, "", "", time.Time{}, "", time.Time{}, ""
	acc, err := a.validPromise(ctx, tx, &in, now, field, actor.Can(access.ExceptPolicies, false))
	if err != nil {
		return in, err
	}
	in.CheckAt = in.NextMoment(nil) // an open promise's next moment is its due time, whatever the grace
	if err := tx.InsertPromise(ctx, in); err != nil {
		return in, err
	}
	if err := a.record(ctx, tx, actor, now, change{kind: "promise.made", accountID: in.AccountID, subjectType: "promise", subjectID: in.ID,
		team: teamOf(actor), after: a.snapBy(ctx, tx, actor, in, acc)}); err != nil {
		return in, err
	}
	return in, a.schedulePromise(ctx, tx, in, PlanAhead)
}

// teamOf is the team an actor speaks for: service agents for service,
// everyone else for sales.
func teamOf(actor access.Actor) string {
	if actor.User.Role == access.Service {
		return customer.TeamService
	}
	return customer.TeamSales
}

// schedulePromise has the promise checked at its next moment when that
// comes within horizon (0: whenever it comes); PlanPromiseChecks arms
// the later ones.
func (a *App) schedulePromise(ctx context.Context, tx *store.Tx, p promise.Promise, horizon time.Duration) error {
	s, ok := a.jobs.(PromiseScheduler)
	if !ok || p.CheckAt.IsZero() {
		return nil
	}
	if horizon > 0 && p.CheckAt.After(a.Now().Add(horizon)) {
		return nil
	}
	return s.SchedulePromiseCheck(ctx, tx, p.ID, p.CheckAt)
}

// Promise returns one promise.
func (a *App) Promise(ctx context.Context, actor access.Actor, id string) (promise.Promise, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return promise.Promise{}, err
	}
	return a.store.Promise(ctx, id)
}

// Promises lists promises by due time, the overdue first.
func (a *App) Promises(ctx context.Context, actor access.Actor, f store.PromiseFilter, p store.Page) ([]promise.Promise, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	var bad fault.Fields
	for _, s := range f.Statuses {
		if !slices.Contains(promise.Statuses, s) {
			bad.Add("status", fmt.Sprintf("%q is not a status; use open, overdue, kept, broken or cancelled", s))
		}
	}
	if err := bad.Err(); err != nil {
		return nil, "", err
	}
	return a.store.Promises(ctx, f, p)
}

// PromisesDueSoon lists the promises still to be kept that are overdue or
// due within promise.DueSoon, narrowed by f, overdue first: for the sales
// home, the account page and beside every case.
func (a *App) PromisesDueSoon(ctx context.Context, actor access.Actor, f store.PromiseFilter, limit int) ([]promise.Promise, error) {
	f.Statuses, f.DueBefore = promise.Pending, a.Now().Add(promise.DueSoon)
	list, _, err := a.Promises(ctx, actor, f, store.Page{Limit: limit})
	return list, err
}

// PromisePatch holds the promise fields to change; nil leaves one as it is.
type PromisePatch struct {
	Description, Acknowledgement, BackdatedReason, ContactID, CaseID, PromotionID, ExceptionReason *string
	Amount                                                                                         **promise.Money // set to a nil *Money to remove the amount
	DueAt                                                                                          *time.Time
}

// promiseAt loads a promise the caller read at version (0: any) and that
// they may change (its maker or a manager).
func promiseAt(ctx context.Context, tx *store.Tx, actor access.Actor, id string, version int64) (promise.Promise, error) {
	p, err := tx.Promise(ctx, id)
	if err != nil {
		return p, err
	}
	if err := actor.Require(access.EditPromises, p.MadeByID == actor.User.ID); err != nil {
		return p, err
	}
	if version != 0 && version != p.Version {
		return p, fault.StaleVersion("promise")
	}
	return p, nil
}

// UpdatePromise corrects a promise still to be kept: its words, amount or
// due time (its maker or a manager). The changed promise is checked again
// as when it was made.
func (a *App) UpdatePromise(ctx context.Context, actor access.Actor, id string, patch PromisePatch, version int64) (promise.Promise, error) {
	if err := actor.Require(access.MakePromises, false); err != nil {
		return promise.Promise{}, err
	}
	var out promise.Promise
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := promiseAt(ctx, tx, actor, id, version)
		if err != nil {
			return err
		}
		p := before
		for dst, v := range map[*string]*string{&p.Description: patch.Description, &p.Acknowledgement: patch.Acknowledgement,
			&p.BackdatedReason: patch.BackdatedReason, &p.ContactID: patch.ContactID, &p.CaseID: patch.CaseID,
			&p.PromotionID: patch.PromotionID, &p.ExceptionReason: patch.ExceptionReason} {
			if v != nil {
				*dst = *v
			}
		}
		if patch.Amount != nil {
			p.Amount = *patch.Amount
		}
		if patch.DueAt != nil {
			p.DueAt = *patch.DueAt
		}
		p.Normalize()
		if err := before.Editable(!p.DueAt.Equal(before.DueAt)); err != nil {
			return err
		}
		now := a.Now()
		validAt := now
		if p.DueAt.Equal(before.DueAt) && p.DueAt.Before(now) {
			validAt = p.DueAt // an unchanged due time that has since passed stays
		}
		// An exception recorded earlier stays through a correction by the
		// promise's maker; a new or changed one is a manager's.
		mayExcept := actor.Can(access.ExceptPolicies, false) || (before.IsException() && p.ExceptionReason == before.ExceptionReason)
		acc, err := a.validPromise(ctx, tx, &p, validAt, "", mayExcept)
		if err != nil {
			return err
		}
		g, err := a.grace(ctx, tx)
		if err != nil {
			return err
		}
		p.CheckAt = p.NextMoment(g)
		p.UpdatedAt, p.Version = now, before.Version+1
		if err := tx.UpdatePromise(ctx, p, before.Version); err != nil {
			return err
		}
		if err := a.record(ctx, tx, actor, now, change{kind: "promise.updated", accountID: p.AccountID, subjectType: "promise", subjectID: p.ID,
			team: teamOf(actor), before: a.snap(ctx, tx, before, acc), after: a.snap(ctx, tx, p, acc)}); err != nil {
			return err
		}
		out = p
		if p.CheckAt.Equal(before.CheckAt) {
			return nil
		}
		return a.schedulePromise(ctx, tx, p, PlanAhead)
	})
	return out, err
}

// TransitionPromise keeps, breaks or cancels a promise. Anyone who may
// make promises may record one kept; breaking or cancelling is for its
// maker or a manager. A cancelled promise (renegotiated with the
// customer's consent) may be replaced, in the same transaction, by a new
// promise that names it in replaces_id; the replacement is returned too.
func (a *App) TransitionPromise(ctx context.Context, actor access.Actor, id string, t promise.Transition, replacement *promise.Promise,
	version int64) (promise.Promise, *promise.Promise, error) {
	if err := actor.Require(access.MakePromises, false); err != nil {
		return promise.Promise{}, nil, err
	}
	if replacement != nil && t.To != promise.Cancelled {
		return promise.Promise{}, nil, (&fault.Fields{{Field: "replacement", Message: "only a cancelled promise is replaced"}}).Err()
	}
	var out promise.Promise
	var repl *promise.Promise
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		repl = nil
		p, err := tx.Promise(ctx, id)
		if err != nil {
			return err
		}
		if t.To != promise.Kept {
			if p, err = promiseAt(ctx, tx, actor, id, version); err != nil {
				return err
			}
		} else if version != 0 && version != p.Version {
			return fault.StaleVersion("promise")
		}
		before := p
		now := a.Now()
		if err := p.Apply(t, actor.User.ID, now); err != nil {
			return err
		}
		p.CheckAt, p.UpdatedAt, p.Version = time.Time{}, now, before.Version+1
		if err := tx.UpdatePromise(ctx, p, before.Version); err != nil {
			return err
		}
		acc, err := tx.Account(ctx, p.AccountID)
		if err != nil {
			return err
		}
		if err := a.record(ctx, tx, actor, now, change{kind: "promise." + string(p.Status), accountID: p.AccountID, subjectType: "promise",
			subjectID: p.ID, team: teamOf(actor), after: a.snap(ctx, tx, p, acc)}); err != nil {
			return err
		}
		out = p
		if replacement == nil {
			return nil
		}
		r := *replacement
		r.AccountID, r.ReplacesID = p.AccountID, p.ID
		if r.ContactID == "" {
			r.ContactID = p.ContactID
		}
		if r.CaseID == "" {
			r.CaseID = p.CaseID
		}
		if r.Kind == "" {
			r.Kind = p.Kind
		}
		made, err := a.makePromise(ctx, tx, actor, r, "replacement")
		repl = &made
		return err
	})
	if err != nil {
		return out, nil, err
	}
	return out, repl, nil
}

// PlanPromiseChecks schedules the checks of the promises whose moment
// (due, or the end of the grace period) comes in the next PlanAhead; the
// job queue runs it every minute on one process.
func (a *App) PlanPromiseChecks(ctx context.Context) error {
	now := a.Now()
	ids, err := a.store.PromisesWithMomentsBetween(ctx, now, now.Add(PlanAhead))
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := a.store.InTx(ctx, func(tx *store.Tx) error {
			p, err := tx.Promise(ctx, id)
			if err != nil {
				return err
			}
			return a.schedulePromise(ctx, tx, p, PlanAhead)
		})
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
	}
	return nil
}

// CatchUpPromises checks the promises whose moment has already passed
// (from before the queue ran, the demo book, imports), once.
func (a *App) CatchUpPromises(ctx context.Context) error {
	ids, err := a.store.PromisesWithMomentsBetween(ctx, time.UnixMilli(0), a.Now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := a.CheckPromiseDue(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// CheckPromiseDue is the clock's turn on a promise: an open promise whose due
// time has come goes overdue, and its maker, the account's owner and
// service (the case's assignee, or the managers) are told; an overdue one
// whose grace period has run out is broken. A check that finds nothing to
// do (the promise was kept, or its due time moved) only schedules the
// next one.
func (a *App) CheckPromiseDue(ctx context.Context, id string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		p, err := tx.Promise(ctx, id)
		if fault.KindOf(err) == fault.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		g, err := a.grace(ctx, tx)
		if err != nil {
			return err
		}
		now := a.Now()
		before := p
		var kind, message string
		switch {
		case p.MarkOverdue(now):
			kind = inbox.PromiseOverdue
			message = fmt.Sprintf("the promise of %s by %s is overdue: %s", p.Words(), a.day(p.DueAt), clipWords(p.Description, 120))
		case p.BreakAfterGrace(g, now):
			kind = inbox.PromiseBroken
			message = fmt.Sprintf("the promise of %s is broken, %s: %s", p.Words(), p.BrokenReason, clipWords(p.Description, 120))
		}
		p.CheckAt = p.NextMoment(g)
		if kind == "" {
			if p.CheckAt.Equal(before.CheckAt) {
				return a.schedulePromise(ctx, tx, p, PlanAhead)
			}
			// The grace period changed: a new moment, the same promise.
			if err := tx.SetPromiseCheck(ctx, p.ID, p.CheckAt); err != nil {
				return err
			}
			return a.schedulePromise(ctx, tx, p, PlanAhead)
		}
		p.UpdatedAt, p.Version = now, before.Version+1
		if err := tx.UpdatePromise(ctx, p, before.Version); err != nil {
			return err
		}
		acc, err := tx.Account(ctx, p.AccountID)
		if err != nil {
			return err
		}
		if err := a.record(ctx, tx, access.System, now, change{kind: "promise." + string(p.Status), accountID: p.AccountID, subjectType: "promise",
			subjectID: p.ID, team: customer.TeamService, after: a.snap(ctx, tx, p, acc)}); err != nil {
			return err
		}
		service, err := a.promiseService(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := a.notifyOwner(ctx, tx, access.System, acc, inbox.Notification{Kind: kind, SubjectType: "promise", SubjectID: p.ID,
			URL: "/promises/" + p.ID, Message: message}, append([]string{p.MadeByID}, service...)...); err != nil {
			return err
		}
		return a.schedulePromise(ctx, tx, p, PlanAhead)
	})
}

// promiseService is who in service hears of a promise gone wrong: the
// assignee of its case, or else the managers.
func (a *App) promiseService(ctx context.Context, tx *store.Tx, p promise.Promise) ([]string, error) {
	if p.CaseID != "" {
		if c, err := tx.Case(ctx, p.CaseID); err == nil && c.AssigneeID != "" {
			return []string{c.AssigneeID}, nil
		}
	}
	return tx.Managers(ctx)
}

// day writes a date in the team's zone: 14 Dec 2026.
func (a *App) day(t time.Time) string { return t.In(a.Zone()).Format("2 Jan 2006") }

func clipWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// GraceKey is the setting that holds the promises' grace periods.
const GraceKey = "promise_grace"

// GraceSetting is how many days an overdue promise of each kind may still
// be kept before it counts as broken.
type GraceSetting struct {
	Days    map[promise.Kind]int `json:"days"`
	Version int64                `json:"version"` // 0 until first saved
}

// grace returns the grace periods in force.
func (a *App) grace(ctx context.Context, tx *store.Tx) (promise.Grace, error) {
	st, found, err := tx.Setting(ctx, GraceKey)
	g := promise.DefaultGrace()
	if err != nil || !found {
		return g, err
	}
	var days map[promise.Kind]int
	if err := json.Unmarshal(st.Spec, &days); err != nil {
		return g, nil // an unreadable setting leaves the defaults
	}
	for k, d := range days {
		g[k] = time.Duration(d) * 24 * time.Hour
	}
	return g, nil
}

// PromiseGrace returns the grace periods, in days per kind.
func (a *App) PromiseGrace(ctx context.Context, actor access.Actor) (GraceSetting, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return GraceSetting{}, err
	}
	out := GraceSetting{Days: map[promise.Kind]int{}}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		g, err := a.grace(ctx, tx)
		if err != nil {
			return err
		}
		for _, k := range promise.Kinds {
			out.Days[k] = int(g.For(k) / (24 * time.Hour))
		}
		st, _, err := tx.Setting(ctx, GraceKey)
		out.Version = st.Version
		return err
	})
	return out, err
}

// SavePromiseGrace sets the grace periods of some kinds, in days (the
// others keep theirs). Promises already overdue follow the new periods at
// their next check. version is the one read (0 before the first save), or
// -1 to skip the check.
func (a *App) SavePromiseGrace(ctx context.Context, actor access.Actor, days map[promise.Kind]int, version int64) (GraceSetting, error) {
	if err := actor.Require(access.SetPromiseGrace, false); err != nil {
		return GraceSetting{}, err
	}
	g := promise.Grace{}
	for k, d := range days {
		g[k] = time.Duration(d) * 24 * time.Hour
	}
	if err := g.Validate(); err != nil {
		return GraceSetting{}, err
	}
	cur, err := a.PromiseGrace(ctx, actor)
	if err != nil {
		return cur, err
	}
	for k, d := range days {
		cur.Days[k] = d
	}
	if _, err := a.saveSetting(ctx, actor, GraceKey, "Promise grace periods", cur.Days, version); err != nil {
		return GraceSetting{}, err
	}
	return a.PromiseGrace(ctx, actor)
}
