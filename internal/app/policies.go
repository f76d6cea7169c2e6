package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/money"
	"tandem/internal/promise"
	"tandem/internal/rules"
	"tandem/internal/store"
)

// policyTTL is how long a process keeps the service policies before
// reading them again, so that every process follows a change within
// seconds; the process that saves one follows at once.
const policyTTL = 5 * time.Second

// policyCache holds the service policies in force with their compiled
// rules. A rule is compiled once per policy version: at save, or when a
// process first loads that version.
type policyCache struct {
	mu       sync.Mutex
	loadedAt time.Time
	list     []rules.Compiled
	programs map[string]*rules.Program // by id@version
}

func (c *policyCache) forget() {
	c.mu.Lock()
	c.loadedAt = time.Time{}
	c.mu.Unlock()
}

func policyKey(p rules.Policy) string { return fmt.Sprintf("%s@%d", p.ID, p.Version) }

// compiledPolicies returns the active policies with their programs, read
// from the store when the cache is older than policyTTL. A stored rule
// that no longer compiles is kept without a program, so that checking it
// yields a faulty warning rather than nothing.
func (a *App) compiledPolicies(ctx context.Context) ([]rules.Compiled, error) {
	c := &a.servicePolicies
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.loadedAt.IsZero() && time.Since(c.loadedAt) < policyTTL {
		return c.list, nil
	}
	ps, err := a.store.ServicePolicies(ctx, false)
	if err != nil {
		return nil, err
	}
	programs := make(map[string]*rules.Program, len(ps))
	list := make([]rules.Compiled, 0, len(ps))
	for _, p := range ps {
		k := policyKey(p)
		prg, ok := c.programs[k]
		if !ok {
			prg, _ = rules.Compile(p.Rule)
		}
		programs[k] = prg
		list = append(list, rules.Compiled{Policy: p, Program: prg})
	}
	c.list, c.programs, c.loadedAt = list, programs, time.Now()
	return list, nil
}

// remember puts a program just compiled at save into the cache, so that
// loading its version does not compile it again.
func (a *App) remember(p rules.Policy, prg *rules.Program) {
	c := &a.servicePolicies
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.programs == nil {
		c.programs = map[string]*rules.Program{}
	}
	c.programs[policyKey(p)] = prg
	c.loadedAt = time.Time{}
}

// ServicePolicies lists the service policies by name, removed ones too
// when asked (everyone may read them).
func (a *App) ServicePolicies(ctx context.Context, actor access.Actor, withRemoved bool) ([]rules.Policy, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.ServicePolicies(ctx, withRemoved)
}

// ServicePolicy returns one service policy.
func (a *App) ServicePolicy(ctx context.Context, actor access.Actor, id string) (rules.Policy, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return rules.Policy{}, err
	}
	return a.store.ServicePolicy(ctx, id)
}

// maxStatement is the longest statement of a policy, in characters.
const maxStatement = 1000

func normalizePolicy(p *rules.Policy) fault.Fields {
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Statement = strings.TrimSpace(p.Statement)
	p.Severity = strings.ToLower(strings.TrimSpace(p.Severity))
	p.EffectiveFrom, p.EffectiveTo = p.EffectiveFrom.UTC().Truncate(time.Millisecond), p.EffectiveTo.UTC().Truncate(time.Millisecond)
	var f fault.Fields
	if utf8.RuneCountInString(p.Name) > 100 {
		f.Add("name", "a name of at most 100 characters")
	}
	if utf8.RuneCountInString(p.Statement) > maxStatement {
		f.Add("statement", fmt.Sprintf("a statement of at most %d characters", maxStatement))
	}
	return f
}

// SaveServicePolicy creates a service policy (in.ID empty) or replaces one
// at the version the caller read (0: whatever is current). Its rule is
// compiled here: one that does not compile, or is not true or false, is
// refused naming the rule and the position. Every sales user is told.
// An empty effective_from is now.
func (a *App) SaveServicePolicy(ctx context.Context, actor access.Actor, in rules.Policy, version int64) (rules.Policy, error) {
	if err := actor.Require(access.EditServicePolicies, false); err != nil {
		return rules.Policy{}, err
	}
	now := a.Now()
	if in.EffectiveFrom.IsZero() {
		in.EffectiveFrom = now
	}
	f := normalizePolicy(&in)
	prg, err := rules.Validate(in)
	if err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	if err := f.Err(); err != nil {
		return rules.Policy{}, err
	}
	in.Active, in.UpdatedByID, in.UpdatedAt = true, actor.User.ID, now
	created := in.ID == ""
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if created {
			in.ID, in.CreatedAt, in.Version = newID(), now, 1
			if err := tx.InsertServicePolicy(ctx, in); err != nil {
				return err
			}
		} else {
			cur, err := tx.ServicePolicy(ctx, in.ID)
			if err != nil {
				return err
			}
			if version != 0 && version != cur.Version {
				return fault.StaleVersion("policy")
			}
			in.CreatedAt, in.Version = cur.CreatedAt, cur.Version+1
			if err := tx.UpdateServicePolicy(ctx, in, cur.Version); err != nil {
				return err
			}
		}
		if err := a.record(ctx, tx, actor, now, change{kind: "policy.set", subjectType: "policy", subjectID: in.ID, offTimeline: true, after: in}); err != nil {
			return err
		}
		tx.AfterCommit(func() { a.remember(in, prg) })
		what := "New service policy"
		if !created {
			what = "Service policy changed"
		}
		return a.tellSales(ctx, tx, actor, in, fmt.Sprintf("%s “%s”: %s (%s)", what, in.Name, in.Statement, in.Severity))
	})
	if err != nil {
		return rules.Policy{}, err
	}
	return in, nil
}

// RemoveServicePolicy takes a policy out of force (it is kept, inactive,
// for the record) at the version the caller read (0: any).
func (a *App) RemoveServicePolicy(ctx context.Context, actor access.Actor, id string, version int64) (rules.Policy, error) {
	if err := actor.Require(access.EditServicePolicies, false); err != nil {
		return rules.Policy{}, err
	}
	now := a.Now()
	var p rules.Policy
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if p, err = tx.ServicePolicy(ctx, id); err != nil {
			return err
		}
		if version != 0 && version != p.Version {
			return fault.StaleVersion("policy")
		}
		if !p.Active {
			return nil
		}
		cur := p.Version
		p.Active, p.UpdatedByID, p.UpdatedAt, p.Version = false, actor.User.ID, now, cur+1
		if err := tx.UpdateServicePolicy(ctx, p, cur); err != nil {
			return err
		}
		if err := a.record(ctx, tx, actor, now, change{kind: "policy.removed", subjectType: "policy", subjectID: p.ID, offTimeline: true, after: p}); err != nil {
			return err
		}
		tx.AfterCommit(a.servicePolicies.forget)
		return a.tellSales(ctx, tx, actor, p, fmt.Sprintf("Service policy “%s” no longer applies: %s", p.Name, p.Statement))
	})
	return p, err
}

// tellSales puts a policy's news in every active sales user's inbox.
func (a *App) tellSales(ctx context.Context, tx *store.Tx, actor access.Actor, p rules.Policy, message string) error {
	sales, err := tx.ActiveUsersWithRole(ctx, string(access.Sales))
	if err != nil {
		return err
	}
	return a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.PolicyChanged, SubjectType: "policy", SubjectID: p.ID,
		URL: "/policies/" + p.ID, Message: message}, sales...)
}

// PolicyConflicts checks facts against every service policy in force now,
// without asking who is checking: for app methods that have authorised
// their actor already (making a promise).
func (a *App) PolicyConflicts(ctx context.Context, f rules.Facts) ([]rules.Conflict, error) {
	ps, err := a.compiledPolicies(ctx)
	if err != nil {
		return nil, err
	}
	return rules.Check(f, a.Now(), ps), nil
}

// CheckPromiseFacts checks a promise's facts against every service policy
// in force now: the conflicts, blocks first. A rule that fails on the
// facts is a faulty warning.
func (a *App) CheckPromiseFacts(ctx context.Context, actor access.Actor, f rules.Facts) ([]rules.Conflict, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.PolicyConflicts(ctx, f)
}

// PromiseDraft is a promise as someone is typing it: what the policy check
// needs of it.
type PromiseDraft struct {
	Kind        string
	AmountMinor int64
	Currency    string // "" without an amount
	DueAt       time.Time
	Description string
	AccountID   string // "" when not chosen yet: account.tier is ""
}

// PromiseFacts are the facts of a draft promise made by the actor now:
// the account's tier, the maker's role, the days until it is due in the
// team's zone. Bad values are Invalid naming the field.
func (a *App) PromiseFacts(ctx context.Context, actor access.Actor, d PromiseDraft) (rules.Facts, error) {
	f := rules.Facts{Kind: strings.TrimSpace(d.Kind), AmountMinor: d.AmountMinor, Currency: strings.ToUpper(strings.TrimSpace(d.Currency)),
		Description: d.Description, MakerRole: string(actor.User.Role)}
	var fs fault.Fields
	if !slices.Contains(promise.Kinds, promise.Kind(f.Kind)) {
		fs.Add("kind", "a kind of promise: "+strings.Join(kindStrings(), ", "))
	}
	if f.AmountMinor < 0 {
		fs.Add("amount.amount_minor", "an amount cannot be negative")
	}
	if f.Currency != "" && !money.KnownCurrency(f.Currency) {
		fs.Add("amount.currency", fmt.Sprintf("%q is not an ISO 4217 currency code Tandem knows, such as EUR, USD or GBP", f.Currency))
	}
	if f.AmountMinor > 0 && f.Currency == "" {
		fs.Add("amount.currency", "say the currency of the amount")
	}
	if !d.DueAt.IsZero() {
		f.DueInDays = rules.DueInDays(a.Now(), d.DueAt, a.Zone())
	}
	if d.AccountID != "" {
		acc, err := a.store.Account(ctx, d.AccountID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			fs.Add("account_id", "no account has this id")
		case err != nil:
			return f, err
		}
		f.AccountTier = acc.Tier
	}
	return f, fs.Err()
}

// CheckPromise checks a promise as it is being typed against the service
// policies in force, before it is made: the conflicts, blocks first.
func (a *App) CheckPromise(ctx context.Context, actor access.Actor, d PromiseDraft) ([]rules.Conflict, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	f, err := a.PromiseFacts(ctx, actor, d)
	if err != nil {
		return nil, err
	}
	return a.PolicyConflicts(ctx, f)
}

// kindStrings names every kind of promise.
func kindStrings() []string {
	out := make([]string, len(promise.Kinds))
	for i, k := range promise.Kinds {
		out[i] = string(k)
	}
	return out
}

// Bounds of the check of a saved policy against the promises still to be
// kept.
const (
	// conflictScan is how many open and overdue promises, soonest due
	// first, a saved policy is checked against.
	conflictScan = 5_000
	// conflictList is how many conflicting promises are listed.
	conflictList = 50
)

// ConflictingPromise is a promise still to be kept that a policy conflicts
// with.
type ConflictingPromise struct {
	ID, AccountID, Account, Description string
	DueAt                               time.Time
}

// PolicyConflictReport lists the open and overdue promises a policy
// conflicts with: the first conflictList of Count, among the Checked
// soonest due (Complete when that was all of them).
type PolicyConflictReport struct {
	Promises []ConflictingPromise
	Count    int
	Checked  int
	Complete bool
}

// PolicyConflictingPromises checks the open and overdue promises against
// one policy as it now stands, with the facts they would have if made
// now: what a new or changed policy now conflicts with. A block conflicts
// like a warn; a removed policy or one not in force now conflicts with
// nothing. A rule that fails on a promise is not a conflict here.
func (a *App) PolicyConflictingPromises(ctx context.Context, actor access.Actor, p rules.Policy) (PolicyConflictReport, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return PolicyConflictReport{}, err
	}
	var r PolicyConflictReport
	now := a.Now()
	if !p.InForce(now) {
		r.Complete = true
		return r, nil
	}
	prg, err := rules.Compile(p.Rule)
	if err != nil {
		r.Complete = true
		return r, nil
	}
	list, err := a.store.PendingPromiseFacts(ctx, conflictScan+1)
	if err != nil {
		return r, err
	}
	r.Complete = len(list) <= conflictScan
	if !r.Complete {
		list = list[:conflictScan]
	}
	r.Checked = len(list)
	zone := a.Zone()
	for _, pf := range list {
		f := rules.Facts{Kind: string(pf.Promise.Kind), Description: pf.Promise.Description, AccountTier: pf.AccountTier, MakerRole: pf.MakerRole,
			DueInDays: rules.DueInDays(now, pf.Promise.DueAt, zone)}
		if pf.Promise.Amount != nil {
			f.AmountMinor, f.Currency = pf.Promise.Amount.Minor, pf.Promise.Amount.Currency
		}
		if hit, err := prg.Eval(f); err != nil || !hit {
			continue
		}
		r.Count++
		if len(r.Promises) < conflictList {
			r.Promises = append(r.Promises, ConflictingPromise{ID: pf.Promise.ID, AccountID: pf.Promise.AccountID, Account: pf.AccountName,
				Description: pf.Promise.Description, DueAt: pf.Promise.DueAt})
		}
	}
	return r, nil
}
