// Package promise holds the promise ledger: what someone at the company
// told a customer would happen (a rebate paid, a call back, a delivery
// date), by when, and whether it was kept. Sales and service both make
// and keep promises, and both see them, so that the customer is never
// caught between what one side promised and what the other knows.
// Pure domain code: no SQL, no HTTP, no clock.
package promise

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tandem/internal/fault"
)

// Kind is what sort of thing was promised.
type Kind string

// Kinds of promise.
const (
	DeliveryDate Kind = "delivery_date"
	Rebate       Kind = "rebate"
	Discount     Kind = "discount"
	Callback     Kind = "callback"
	ServiceLevel Kind = "service_level"
	Feature      Kind = "feature"
	Other        Kind = "other"
)

// Kinds lists every kind, in the order forms offer them.
var Kinds = []Kind{DeliveryDate, Rebate, Discount, Callback, ServiceLevel, Feature, Other}

// Words names a kind in a sentence: "a rebate", "a call back".
func (k Kind) Words() string {
	switch k {
	case DeliveryDate:
		return "a delivery date"
	case Rebate:
		return "a rebate"
	case Discount:
		return "a discount"
	case Callback:
		return "a call back"
	case ServiceLevel:
		return "a service level"
	case Feature:
		return "a feature"
	}
	return "something"
}

// Status is where a promise stands.
type Status string

// Statuses of a promise: open until due, overdue once its due time passed
// unkept; kept, broken and cancelled are final.
const (
	Open      Status = "open"
	Overdue   Status = "overdue"
	Kept      Status = "kept"
	Broken    Status = "broken"
	Cancelled Status = "cancelled"
)

// Statuses lists every status.
var Statuses = []Status{Open, Overdue, Kept, Broken, Cancelled}

// DueSoon is how far ahead the due-soon lists look: the sales home, the
// account page, beside every case, the queue's "promise due" filter.
const DueSoon = 7 * 24 * time.Hour

// Pending are the statuses of promises still to be kept.
var Pending = []Status{Open, Overdue}

// Final reports whether nothing more can happen to a promise in s.
func (s Status) Final() bool { return s == Kept || s == Broken || s == Cancelled }

// next lists what a person may move a promise in each status to; overdue
// is reached only by the clock (MarkOverdue).
var next = map[Status][]Status{
	Open:    {Kept, Broken, Cancelled},
	Overdue: {Kept, Broken, Cancelled},
}

// Allowed lists the statuses a person may move a promise in s to.
func Allowed(s Status) []Status { return next[s] }

// PolicyWarning is a service policy a promise went against, acknowledged
// by its maker when the promise was made or changed.
type PolicyWarning struct {
	PolicyID  string `json:"policy_id"`
	Name      string `json:"name"`
	Statement string `json:"statement" doc:"The policy in plain words, as service lives by it"`
}

// Promise is something said to a customer that must come true by a time.
type Promise struct {
	ID              string          `json:"id"`
	AccountID       string          `json:"account_id"`
	ContactID       string          `json:"contact_id"`
	MadeByID        string          `json:"made_by_id"`
	MadeAt          time.Time       `json:"made_at"`
	Kind            Kind            `json:"kind"`
	Description     string          `json:"description"`
	Amount          *Money          `json:"amount"`
	DueAt           time.Time       `json:"due_at"`
	CaseID          string          `json:"case_id"`
	PromotionID     string          `json:"promotion_id"`
	Team            string          `json:"team"` // sales or service: the team its maker spoke for
	ReplacesID      string          `json:"replaces_id"`
	Status          Status          `json:"status"`
	OverdueAt       time.Time       `json:"overdue_at"`
	KeptAt          time.Time       `json:"kept_at"`
	KeptByID        string          `json:"kept_by_id"`
	Evidence        string          `json:"evidence"`
	BrokenAt        time.Time       `json:"broken_at"`
	BrokenReason    string          `json:"broken_reason"`
	CancelledAt     time.Time       `json:"cancelled_at"`
	CancelReason    string          `json:"cancel_reason"`
	Acknowledgement string          `json:"acknowledgement"`
	PolicyWarnings  []PolicyWarning `json:"policy_warnings"`
	BackdatedReason string          `json:"backdated_reason"`
	// A promise a block policy refused, recorded by a manager as an
	// exception: the (first) policy, the names of all that refused it, and
	// the manager's reason. Empty for every other promise.
	ExceptionPolicyID   string `json:"exception_policy_id"`
	ExceptionPolicyName string `json:"exception_policy_name"`
	ExceptionReason     string `json:"exception_reason"`
	// CheckAt is the promise's next moment (NextMoment), kept so that the
	// moments of the next minutes are found without reading every promise.
	CheckAt   time.Time `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// Limits on what people write.
const (
	MaxDescription = 2000
	MaxReason      = 2000
)

// Normalize trims a promise's text.
func (p *Promise) Normalize() {
	p.Description = strings.TrimSpace(p.Description)
	p.Acknowledgement = strings.TrimSpace(p.Acknowledgement)
	p.BackdatedReason = strings.TrimSpace(p.BackdatedReason)
	p.ExceptionReason = strings.TrimSpace(p.ExceptionReason)
	p.Kind = Kind(strings.ToLower(strings.TrimSpace(string(p.Kind))))
	if p.Amount != nil {
		p.Amount.Currency = strings.ToUpper(strings.TrimSpace(p.Amount.Currency))
	}
	p.DueAt = p.DueAt.UTC().Truncate(time.Millisecond)
}

// Validate reports every field of a promise being made or changed that
// breaks a rule, at now: a due time already past needs a backdated_reason
// (a promise written down after it was made).
func (p Promise) Validate(now time.Time) error {
	var f fault.Fields
	if p.AccountID == "" {
		f.Add("account_id", "choose the customer the promise was made to")
	}
	if !slices.Contains(Kinds, p.Kind) {
		f.Add("kind", "use one of: "+kindNames())
	}
	switch {
	case p.Description == "":
		f.Add("description", "write what was promised, in the words said to the customer")
	case len(p.Description) > MaxDescription:
		f.Add("description", fmt.Sprintf("keep it under %d characters", MaxDescription))
	}
	if p.Amount != nil {
		p.Amount.Validate("amount", &f)
	}
	switch {
	case p.DueAt.IsZero():
		f.Add("due_at", "say by when it was promised")
	case p.DueAt.Before(now) && p.BackdatedReason == "":
		f.Add("due_at", "this due time has passed; give a backdated_reason to record a promise made earlier")
	case p.DueAt.After(now.AddDate(10, 0, 0)):
		f.Add("due_at", "a promise is due within 10 years")
	}
	if len(p.BackdatedReason) > MaxReason {
		f.Add("backdated_reason", fmt.Sprintf("keep it under %d characters", MaxReason))
	}
	if len(p.Acknowledgement) > MaxReason {
		f.Add("acknowledgement", fmt.Sprintf("keep it under %d characters", MaxReason))
	}
	if len(p.ExceptionReason) > MaxReason {
		f.Add("exception_reason", fmt.Sprintf("keep it under %d characters", MaxReason))
	}
	return f.Err()
}

// Editable says why a promise may not be changed, or nil: only a promise
// still to be kept changes, and an overdue one keeps its due time (moving
// it is renegotiating: cancel it with the customer's consent and make a
// replacement).
func (p Promise) Editable(dueChanged bool) error {
	if p.Status.Final() {
		return &fault.Error{Kind: fault.Invalid, Message: fmt.Sprintf("a %s promise does not change", p.Status),
			Fields: []fault.FieldError{{Field: "status", Message: "only open and overdue promises change"}}}
	}
	if dueChanged && p.Status == Overdue {
		return &fault.Error{Kind: fault.Invalid, Message: "an overdue promise keeps its due time",
			Fields: []fault.FieldError{{Field: "due_at", Message: "this promise is overdue; cancel it with the customer's consent and make a replacement"}}}
	}
	return nil
}

// Transition is a request to move a promise: kept (with evidence), broken
// (with the reason) or cancelled (renegotiated with the customer's
// consent: the reason).
type Transition struct {
	To       Status
	Evidence string // optional, when kept: how it was kept (a credit note, the call)
	Reason   string // required to break or cancel
}

// Apply moves the promise at now by the user by, or says why it may not.
func (p *Promise) Apply(t Transition, by string, now time.Time) error {
	allowed := Allowed(p.Status)
	if !slices.Contains(allowed, t.To) {
		msg := "allowed from " + string(p.Status) + ": " + statusNames(allowed)
		switch {
		case len(allowed) == 0:
			msg = fmt.Sprintf("a %s promise is final", p.Status)
		case t.To == Overdue:
			msg = "a promise becomes overdue by itself at its due time; " + msg
		case !slices.Contains(Statuses, t.To):
			msg = "use one of: " + statusNames(allowed)
		}
		return &fault.Error{Kind: fault.Invalid, Message: fmt.Sprintf("a %s promise cannot become %s", p.Status, t.To),
			Fields: []fault.FieldError{{Field: "to", Message: msg}}}
	}
	evidence, reason := strings.TrimSpace(t.Evidence), strings.TrimSpace(t.Reason)
	var f fault.Fields
	if len(evidence) > MaxReason {
		f.Add("evidence", fmt.Sprintf("keep it under %d characters", MaxReason))
	}
	switch {
	case t.To == Broken && reason == "":
		f.Add("reason", "say why the promise was broken")
	case t.To == Cancelled && reason == "":
		f.Add("reason", "say what was agreed with the customer: a promise is cancelled only with their consent")
	case len(reason) > MaxReason:
		f.Add("reason", fmt.Sprintf("keep it under %d characters", MaxReason))
	}
	if err := f.Err(); err != nil {
		return err
	}
	p.Status = t.To
	switch t.To {
	case Kept:
		p.KeptAt, p.KeptByID, p.Evidence = now, by, evidence
	case Broken:
		p.BrokenAt, p.BrokenReason = now, reason
	case Cancelled:
		p.CancelledAt, p.CancelReason = now, reason
	}
	return nil
}

// MarkOverdue moves an open promise whose due time has come to overdue,
// and reports whether it did.
func (p *Promise) MarkOverdue(now time.Time) bool {
	if p.Status != Open || now.Before(p.DueAt) {
		return false
	}
	p.Status, p.OverdueAt = Overdue, now
	return true
}

// BreakAfterGrace moves an overdue promise whose grace period has run out
// to broken, and reports whether it did.
func (p *Promise) BreakAfterGrace(grace Grace, now time.Time) bool {
	if p.Status != Overdue || now.Before(grace.BreaksAt(*p)) {
		return false
	}
	p.Status, p.BrokenAt = Broken, now
	p.BrokenReason = fmt.Sprintf("not kept within %s of its due time", days(grace.For(p.Kind)))
	return true
}

// NextMoment is when something next happens to a promise by itself: it
// goes overdue at its due time, and breaks when its grace period runs
// out; zero once final. An open promise's moment needs no grace periods
// (g may be nil).
func (p Promise) NextMoment(g Grace) time.Time {
	switch p.Status {
	case Open:
		return p.DueAt
	case Overdue:
		return g.BreaksAt(p)
	}
	return time.Time{}
}

// Grace is, per kind, how long an overdue promise may still be kept
// before it counts as broken.
type Grace map[Kind]time.Duration

// DefaultGrace ships with Tandem.
func DefaultGrace() Grace {
	d := 24 * time.Hour
	return Grace{Callback: d, DeliveryDate: 3 * d, Rebate: 14 * d, Discount: 7 * d, ServiceLevel: 3 * d, Feature: 30 * d, Other: 7 * d}
}

// MaxGrace is the longest grace period a kind may have.
const MaxGrace = 365 * 24 * time.Hour

// For is a kind's grace period (the default's where none is set).
func (g Grace) For(k Kind) time.Duration {
	if d, ok := g[k]; ok {
		return d
	}
	return DefaultGrace()[k]
}

// BreaksAt is when an unkept promise counts as broken.
func (g Grace) BreaksAt(p Promise) time.Time { return p.DueAt.Add(g.For(p.Kind)) }

// Validate reports kinds Tandem does not know and periods that are
// negative or longer than MaxGrace.
func (g Grace) Validate() error {
	var f fault.Fields
	for k, d := range g {
		switch {
		case !slices.Contains(Kinds, k):
			f.Add(string(k), "not a kind of promise; use one of: "+kindNames())
		case d < 0 || d > MaxGrace:
			f.Add(string(k), "a grace period is from 0 to 365 days")
		}
	}
	return f.Err()
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return fmt.Sprintf("%d days", n)
	}
	return d.String()
}

// Conflict is a service policy a promise goes against.
type Conflict struct {
	PolicyID  string
	Name      string
	Statement string
	Block     bool // a block policy refuses the promise; a warn one needs an acknowledgement
	Faulty    bool // the policy's rule failed: kept as a warning, needing no acknowledgement
}

// Settle applies the conflicts a promise has: a block refuses it (409
// naming the policy and quoting its statement) unless the promise carries
// an exception_reason, which records it as an exception to the block
// policies (who may record one is the caller's to check); warnings refuse
// it (409 listing them) unless acknowledged, and then are the policy
// warnings the promise keeps. Without a block the promise is no exception:
// an exception_reason it carried is dropped.
func (p *Promise) Settle(conflicts []Conflict) error {
	var warnings []PolicyWarning
	var blocks []Conflict
	toAcknowledge := 0
	for _, c := range conflicts {
		if c.Block {
			blocks = append(blocks, c)
			continue
		}
		warnings = append(warnings, PolicyWarning{PolicyID: c.PolicyID, Name: c.Name, Statement: c.Statement})
		if !c.Faulty {
			toAcknowledge++
		}
	}
	p.ExceptionPolicyID, p.ExceptionPolicyName = "", ""
	if len(blocks) > 0 {
		if strings.TrimSpace(p.ExceptionReason) == "" {
			c := blocks[0]
			return &fault.Error{Kind: fault.Conflict, Message: fmt.Sprintf("the policy %q refuses this promise: %s", c.Name, c.Statement),
				Detail: []PolicyWarning{{PolicyID: c.PolicyID, Name: c.Name, Statement: c.Statement}}}
		}
		names := make([]string, len(blocks))
		for i, c := range blocks {
			names[i] = c.Name
		}
		p.ExceptionPolicyID, p.ExceptionPolicyName = blocks[0].PolicyID, strings.Join(names, ", ")
	} else {
		p.ExceptionReason = ""
	}
	if toAcknowledge > 0 && strings.TrimSpace(p.Acknowledgement) == "" {
		names := make([]string, len(warnings))
		for i, w := range warnings {
			names[i] = fmt.Sprintf("%q (%s)", w.Name, w.Statement)
		}
		return &fault.Error{Kind: fault.Conflict, Message: "this promise goes against " + strings.Join(names, ", ") +
			"; send it again with an acknowledgement saying why", Detail: warnings}
	}
	p.PolicyWarnings = warnings
	return nil
}

// Blocked says whether any conflict is a block.
func Blocked(conflicts []Conflict) bool {
	return slices.ContainsFunc(conflicts, func(c Conflict) bool { return c.Block })
}

// IsException says whether the promise was recorded as an exception to a
// block policy.
func (p Promise) IsException() bool { return p.ExceptionPolicyID != "" }

func kindNames() string {
	s := make([]string, len(Kinds))
	for i, k := range Kinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

func statusNames(list []Status) string {
	s := make([]string, len(list))
	for i, k := range list {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Words says what was promised in a sentence: "a rebate of €1,200.00".
func (p Promise) Words() string {
	w := p.Kind.Words()
	if p.Amount != nil {
		w += " of " + p.Amount.String()
	}
	return w
}
