// Package goodwill holds compensation granted to save a relationship (a
// credit, a refund, a gift, a discount, a rebate top-up), the approval
// limits per role, and the rule that nobody approves their own request.
// Pure domain code: no SQL, no HTTP, no clock.
package goodwill

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tandem/internal/access"
	"tandem/internal/fault"
)

// Kinds of goodwill.
const (
	Credit      = "credit"
	Refund      = "refund"
	Gift        = "gift"
	Discount    = "discount"
	RebateTopUp = "rebate_top_up"
)

// Kinds lists every kind of goodwill.
var Kinds = []string{Credit, Refund, Gift, Discount, RebateTopUp}

// Status is where a request for goodwill stands.
type Status string

const (
	Pending  Status = "pending"
	Approved Status = "approved"
	Rejected Status = "rejected"
)

// Statuses lists every status.
var Statuses = []Status{Pending, Approved, Rejected}

// Goodwill is one grant of compensation, or the request for one.
type Goodwill struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	// PromiseID links the promise this goodwill makes up for, if any.
	PromiseID     string    `json:"promise_id"`
	CaseID        string    `json:"case_id"`
	Kind          string    `json:"kind"`
	Amount        Money     `json:"amount"`
	Reason        string    `json:"reason"`
	RequestedByID string    `json:"requested_by_id"`
	RequestedAt   time.Time `json:"requested_at"`
	Status        Status    `json:"status"`
	// WithinLimit says it was approved at once, within its requester's
	// limit: then nobody else decided it and DecidedByID is empty.
	WithinLimit  bool      `json:"within_limit"`
	Limit        Money     `json:"limit"` // the requester's limit when it was requested
	DecidedByID  string    `json:"decided_by_id"`
	DecidedAt    time.Time `json:"decided_at"`
	DecisionNote string    `json:"decision_note"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`
}

// Normalize trims a new request's fields.
func (g *Goodwill) Normalize() {
	g.Kind = strings.ToLower(strings.TrimSpace(g.Kind))
	g.Reason = strings.Join(strings.Fields(g.Reason), " ")
	g.PromiseID = strings.TrimSpace(g.PromiseID)
	g.CaseID = strings.TrimSpace(g.CaseID)
	g.Amount.Currency = strings.ToUpper(strings.TrimSpace(g.Amount.Currency))
}

// Validate reports every field of a new request that breaks a rule.
func (g Goodwill) Validate() error {
	var f fault.Fields
	if g.AccountID == "" {
		f.Add("account_id", "choose the account the goodwill is for")
	}
	if !slices.Contains(Kinds, g.Kind) {
		f.Add("kind", "use one of: "+strings.Join(Kinds, ", "))
	}
	g.Amount.Validate("amount", &f)
	if g.Amount.Minor == 0 && KnownCurrency(g.Amount.Currency) {
		f.Add("amount.amount_minor", "goodwill of nothing is no goodwill: enter an amount above zero")
	}
	if g.Reason == "" {
		f.Add("reason", "say why the customer gets it, such as “late rebate”")
	} else if utf8.RuneCountInString(g.Reason) > 2000 {
		f.Add("reason", "keep the reason under 2,000 characters")
	}
	if utf8.RuneCountInString(g.PromiseID) > 100 {
		f.Add("promise_id", "this is not a promise's id")
	}
	return f.Err()
}

// Limit is what one role may grant without anyone's approval: an absolute
// amount, and a share of the account's trailing-12-month margin in basis
// points (1,000 is 10 %), whichever is lower.
type Limit struct {
	Absolute Money `json:"absolute"`
	ShareBP  int64 `json:"share_bp" doc:"Share of the account's margin over the last 12 months, in basis points: 1000 is 10 %"`
}

// Limits are the approval limits of every role.
type Limits map[access.Role]Limit

// DefaultLimits are the limits until someone saves others.
func DefaultLimits() Limits {
	eur := func(euros int64) Money { return Money{Minor: euros * 100, Currency: "EUR"} }
	return Limits{
		access.Sales:   {Absolute: eur(200), ShareBP: 1000},
		access.Service: {Absolute: eur(100), ShareBP: 500},
		access.Manager: {Absolute: eur(5000), ShareBP: 2500},
		access.Admin:   {Absolute: eur(5000), ShareBP: 2500},
	}
}

// Validate reports what is wrong with a set of limits: every role has
// one, in a known currency, none negative, shares from 0 to 100 %.
func (ls Limits) Validate() error {
	var f fault.Fields
	for r := range ls {
		if _, ok := access.ParseRole(string(r)); !ok || string(r) != strings.ToLower(string(r)) {
			f.Add(string(r), "not a role; use one of: admin, manager, sales, service")
		}
	}
	for _, r := range access.Roles {
		l, ok := ls[r]
		if !ok {
			f.Add(string(r), "give every role a limit (0 means everything they grant waits for approval)")
			continue
		}
		l.Absolute.Validate(string(r)+".absolute", &f)
		if l.ShareBP < 0 || l.ShareBP > 10000 {
			f.Add(string(r)+".share_bp", "a share is from 0 to 10000 basis points (0 to 100 %)")
		}
	}
	return f.Err()
}

// Value is what is known of an account's value when goodwill is asked
// for it. Margin12m is its margin over the trailing 12 months; zero (or
// in another currency than a limit) means unknown, as for every account
// until orders exist: the sales capability will supply it.
type Value struct {
	Margin12m Money
}

// For is the limit of a role for an account of value v, in the limit's
// currency: min(absolute, share × margin12m) when the margin is known,
// else the absolute amount.
func (ls Limits) For(role access.Role, v Value) Money {
	l, ok := ls[role]
	if !ok {
		return Money{Currency: "EUR"} // a role without a limit grants nothing alone
	}
	out := l.Absolute
	if v.Margin12m.Minor > 0 && v.Margin12m.Currency == l.Absolute.Currency {
		share := v.Margin12m.Minor / 10000 * l.ShareBP // no overflow for margins up to ~9×10^14
		share += v.Margin12m.Minor % 10000 * l.ShareBP / 10000
		out.Minor = min(out.Minor, share)
	}
	return out
}

// Within reports whether an amount is within a limit: at most the limit,
// the limit itself included, and in its currency (Tandem does not convert:
// goodwill in another currency always waits for approval).
func Within(amount, limit Money) bool {
	return amount.Currency == limit.Currency && amount.Minor <= limit.Minor
}

// Decide settles a new request: approved at once when within the
// requester's limit (nobody else decides it), otherwise pending.
func (g *Goodwill) Decide(limit Money, now time.Time) {
	g.Limit = limit
	if Within(g.Amount, limit) {
		g.Status, g.WithinLimit, g.DecidedAt = Approved, true, now
		g.DecisionNote = "within " + possessiveLimit(limit)
		return
	}
	g.Status = Pending
}

func possessiveLimit(limit Money) string { return "the requester's limit of " + limit.String() }

// Decision is a manager's answer to a pending request.
type Decision struct {
	Approve bool
	Note    string
}

// Apply records a decision by deciderID at now. Nobody decides their own
// request, and only a pending one can be decided.
func (g *Goodwill) Apply(d Decision, deciderID string, now time.Time) error {
	d.Note = strings.TrimSpace(d.Note)
	if deciderID != "" && deciderID == g.RequestedByID {
		return &fault.Error{Kind: fault.Invalid, Message: "nobody approves or rejects their own goodwill: another manager decides it",
			Fields: []fault.FieldError{{Field: "requested_by_id", Message: "you asked for this goodwill, so someone else must decide it"}}}
	}
	if g.Status != Pending {
		return fault.New(fault.Conflict, "this goodwill was already %s", g.Status)
	}
	if utf8.RuneCountInString(d.Note) > 2000 {
		return (&fault.Fields{{Field: "note", Message: "keep the note under 2,000 characters"}}).Err()
	}
	if !d.Approve && d.Note == "" {
		return (&fault.Fields{{Field: "note", Message: "say why it is turned down: the requester reads it"}}).Err()
	}
	g.Status = Rejected
	if d.Approve {
		g.Status = Approved
	}
	g.DecidedByID, g.DecidedAt, g.DecisionNote = deciderID, now, d.Note
	return nil
}

// Phrase is the goodwill in words: "a credit of €150.00".
func (g Goodwill) Phrase() string {
	what := strings.ReplaceAll(g.Kind, "_", " ")
	article := "a"
	if what != "" && strings.ContainsRune("aeiou", rune(what[0])) {
		article = "an"
	}
	return fmt.Sprintf("%s %s of %s", article, what, g.Amount)
}
