// Package cases holds service cases: their life from new to closed, the
// rule that a case is closed *confirmed* only when the customer agrees the
// solution resolved their situation, and the SLA targets by tier and
// priority. Pure domain code.
package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tandem/internal/fault"
)

// Status is where a case stands.
type Status string

const (
	New             Status = "new"
	Open            Status = "open"
	PendingCustomer Status = "pending_customer"
	Resolved        Status = "resolved"
	Closed          Status = "closed"
)

// Unfinished are the statuses of cases still being worked on.
var Unfinished = []Status{New, Open, PendingCustomer}

// Priorities, most urgent last.
var Priorities = []string{"low", "normal", "high", "urgent"}

// next lists the statuses each status may move to. Reopening is moving a
// resolved or closed case back to open.
var next = map[Status][]Status{
	New:             {Open, PendingCustomer, Resolved},
	Open:            {PendingCustomer, Resolved},
	PendingCustomer: {Open, Resolved},
	Resolved:        {Closed, Open},
	Closed:          {Open},
}

// Allowed lists the statuses a case in s may move to.
func Allowed(s Status) []Status { return next[s] }

// Case is a customer's problem or request that service works on.
type Case struct {
	ID           string    `json:"id"`
	Number       int64     `json:"number"`
	AccountID    string    `json:"account_id"`
	ContactID    string    `json:"contact_id"`
	Subject      string    `json:"subject"`
	Description  string    `json:"description"`
	Category     string    `json:"category"`
	Priority     string    `json:"priority"`
	Status       Status    `json:"status"`
	AssigneeID   string    `json:"assignee_id"`
	Channel      string    `json:"channel"`
	Solution     string    `json:"solution"`
	Confirmed    *bool     `json:"confirmed"` // set when closed: did the customer agree it is resolved?
	CloseReason  string    `json:"close_reason"`
	MinutesSpent int       `json:"minutes_spent"`
	Reopened     int       `json:"reopened"`
	OpenedAt     time.Time `json:"opened_at"`
	RespondedAt  time.Time `json:"responded_at"`
	ResolvedAt   time.Time `json:"resolved_at"`
	ClosedAt     time.Time `json:"closed_at"`
	Clocks       Clocks    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`
}

// Clocks are what a case keeps of its two SLA clocks (first response and
// resolution), both started when it was opened. Due times are stored so
// that queues sort by them; ResolutionDue is zero while the clock is paused.
type Clocks struct {
	FirstResponseTarget time.Duration
	ResolutionTarget    time.Duration
	ResolutionPaused    time.Duration
	ResolutionPausedAt  time.Time
	FirstResponseDue    time.Time
	ResolutionDue       time.Time
	AtRiskAt            time.Time // when the clock of the next deadline goes at risk; zero when none
	Alerts              int       // which SLA alerts were sent (AlertFirstResponseAtRisk, …)
}

// SLA alerts, as bits of Clocks.Alerts.
const (
	AlertFirstResponseAtRisk = 1 << iota
	AlertFirstResponseBreached
	AlertResolutionAtRisk
	AlertResolutionBreached
)

// NextDeadline is the case's next SLA deadline: its first response until
// one is given (while the case is new or open), then its resolution; zero
// while the resolution clock is paused or the case is finished. first says
// which of the two it is.
func (c Case) NextDeadline() (at time.Time, first bool) {
	res := c.Clocks.ResolutionDue
	if c.RespondedAt.IsZero() && (c.Status == New || c.Status == Open) &&
		(res.IsZero() || c.Clocks.FirstResponseDue.Before(res)) {
		return c.Clocks.FirstResponseDue, true
	}
	return res, false
}

// Normalize trims a new case's fields and fills defaults.
func (c *Case) Normalize() {
	c.Subject = strings.Join(strings.Fields(c.Subject), " ")
	c.Description = strings.TrimSpace(c.Description)
	c.Category = strings.TrimSpace(c.Category)
	c.Priority = strings.ToLower(strings.TrimSpace(c.Priority))
	if c.Priority == "" {
		c.Priority = "normal"
	}
	if c.Category == "" {
		c.Category = "general"
	}
	c.Channel = strings.TrimSpace(c.Channel)
	if c.Channel == "" {
		c.Channel = "phone"
	}
}

// Validate reports every field of a new case that breaks a rule.
func (c Case) Validate() error {
	var f fault.Fields
	if c.AccountID == "" {
		f.Add("account_id", "choose the account this case is for")
	}
	if c.Subject == "" {
		f.Add("subject", "say in a line what the customer needs")
	} else if len(c.Subject) > 200 {
		f.Add("subject", "keep the subject under 200 characters")
	}
	if len(c.Description) > 20000 {
		f.Add("description", "keep the description under 20,000 characters")
	}
	if !slices.Contains(Priorities, c.Priority) {
		f.Add("priority", "use one of: "+strings.Join(Priorities, ", "))
	}
	return f.Err()
}

// Transition is a request to move a case to another status.
type Transition struct {
	To        Status
	Solution  string // required to resolve
	Confirmed *bool  // required to close: did the customer agree?
	Reason    string // required to close unconfirmed, and to reopen
}

// Apply moves the case at now, or says why it may not.
func (c *Case) Apply(t Transition, now time.Time) error {
	allowed := Allowed(c.Status)
	if !slices.Contains(allowed, t.To) {
		names := make([]string, len(allowed))
		for i, s := range allowed {
			names[i] = string(s)
		}
		return &fault.Error{Kind: fault.Invalid, Message: fmt.Sprintf("a %s case cannot move to %s", c.Status, t.To),
			Fields: []fault.FieldError{{Field: "to", Message: "allowed from " + string(c.Status) + ": " + strings.Join(names, ", ")}}}
	}
	var f fault.Fields
	switch t.To {
	case Resolved:
		if strings.TrimSpace(t.Solution) == "" {
			f.Add("solution", "write the solution the customer is to confirm")
		}
	case Closed:
		if t.Confirmed == nil {
			f.Add("confirmed", "say whether the customer agreed the solution resolved their situation")
		} else if !*t.Confirmed && strings.TrimSpace(t.Reason) == "" {
			f.Add("reason", "say why the case closes without the customer's confirmation")
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	from := c.Status
	c.Status = t.To
	switch t.To {
	case Resolved:
		c.Solution, c.ResolvedAt = strings.TrimSpace(t.Solution), now
	case Closed:
		c.Confirmed, c.ClosedAt, c.CloseReason = t.Confirmed, now, strings.TrimSpace(t.Reason)
	case Open:
		if from == Resolved || from == Closed {
			c.Reopened++
			c.ResolvedAt, c.ClosedAt, c.Confirmed, c.CloseReason = time.Time{}, time.Time{}, nil, strings.TrimSpace(t.Reason)
		}
	}
	if c.RespondedAt.IsZero() && from == New {
		c.RespondedAt = now // moving a new case is the first response
	}
	return nil
}

// Targets are the SLA targets of a case, in business time.
type Targets struct {
	FirstResponse time.Duration `json:"first_response"`
	Resolution    time.Duration `json:"resolution"`
}

// Policy sets targets per account tier and case priority; Default applies
// where a tier has no row.
type Policy struct {
	ID      string
	Name    string
	Default map[string]Targets            // by priority
	ByTier  map[string]map[string]Targets // tier → priority → targets
}

// DefaultPolicy ships with Tandem so that every case has an SLA at once.
func DefaultPolicy() Policy {
	h := time.Hour
	return Policy{ID: "default", Name: "Standard service", Default: map[string]Targets{
		"urgent": {time.Hour, 8 * h}, "high": {2 * h, 16 * h}, "normal": {4 * h, 24 * h}, "low": {8 * h, 40 * h},
	}, ByTier: map[string]map[string]Targets{
		"vip": {"urgent": {30 * time.Minute, 4 * h}, "high": {h, 8 * h}, "normal": {2 * h, 16 * h}, "low": {4 * h, 24 * h}},
	}}
}

// For returns the targets of a case of a tier and priority.
func (p Policy) For(tier, priority string) Targets {
	if t, ok := p.ByTier[tier][priority]; ok {
		return t
	}
	return p.Default[priority]
}

// The longest targets a policy may set, in business time: a first
// response within 30 days (720h) and a resolution within 365 days (8760h).
// Anything longer is a typing mistake, not a service level.
const (
	MaxFirstResponse = 30 * 24 * time.Hour
	MaxResolution    = 365 * 24 * time.Hour
)

// ValidateTargets reports targets that are not positive durations, that
// exceed MaxFirstResponse or MaxResolution, or whose resolution comes
// before the first response.
func ValidateTargets(t Targets) error {
	var f fault.Fields
	problems := targetProblems(t, true, true)
	for _, name := range []string{"first_response", "resolution"} {
		if msg, ok := problems[name]; ok {
			f.Add(name, msg)
		}
	}
	return f.Err()
}

// targetProblems words what is wrong with a pair of targets, by field
// (first_response, resolution); parsed says which of the two were read.
func targetProblems(t Targets, firstParsed, resolutionParsed bool) map[string]string {
	out := map[string]string{}
	switch {
	case !firstParsed:
	case t.FirstResponse <= 0:
		out["first_response"] = "use a positive duration of business time, such as 4h or 30m"
	case t.FirstResponse > MaxFirstResponse:
		out["first_response"] = "a first response target is at most 720h (30 days) of business time"
	}
	switch {
	case !resolutionParsed:
	case t.Resolution <= 0:
		out["resolution"] = "use a positive duration of business time, such as 24h"
	case t.Resolution > MaxResolution:
		out["resolution"] = "a resolution target is at most 8760h (365 days) of business time"
	case firstParsed && out["first_response"] == "" && t.Resolution < t.FirstResponse:
		out["resolution"] = fmt.Sprintf("the resolution target (%s) cannot be shorter than the first response target (%s)", short(t.Resolution), short(t.FirstResponse))
	}
	return out
}

// short writes a duration as people write targets: 4h0m0s is 4h, 30m0s is 30m.
func short(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// TargetSpec is a pair of targets as people write them ("4h", "30m").
type TargetSpec struct {
	FirstResponse string `json:"first_response"`
	Resolution    string `json:"resolution"`
}

// PolicySpec is an SLA policy as people write it: targets per priority,
// and per tier where a tier differs.
type PolicySpec struct {
	Targets map[string]TargetSpec            `json:"targets"`
	Tiers   map[string]map[string]TargetSpec `json:"tiers"`
}

// DefaultPolicySpec is DefaultPolicy written out.
func DefaultPolicySpec() PolicySpec {
	p := DefaultPolicy()
	out := PolicySpec{Targets: map[string]TargetSpec{}, Tiers: map[string]map[string]TargetSpec{}}
	write := func(t Targets) TargetSpec { return TargetSpec{short(t.FirstResponse), short(t.Resolution)} }
	for prio, t := range p.Default {
		out.Targets[prio] = write(t)
	}
	for tier, m := range p.ByTier {
		out.Tiers[tier] = map[string]TargetSpec{}
		for prio, t := range m {
			out.Tiers[tier][prio] = write(t)
		}
	}
	return out
}

// Compile checks a spec and turns it into a policy: every priority needs
// targets, each a positive duration within MaxFirstResponse or
// MaxResolution, and no resolution shorter than its first response.
func (s PolicySpec) Compile() (Policy, error) {
	var f fault.Fields
	parse := func(where string, t TargetSpec) Targets {
		var out Targets
		parsed := map[string]bool{}
		for _, x := range []struct {
			name string
			in   string
			dst  *time.Duration
		}{{"first_response", t.FirstResponse, &out.FirstResponse}, {"resolution", t.Resolution, &out.Resolution}} {
			d, err := time.ParseDuration(strings.TrimSpace(x.in))
			if err != nil || d <= 0 {
				f.Add(where+"."+x.name, fmt.Sprintf("%q is not a positive duration; write business time such as 4h or 30m", x.in))
			} else {
				parsed[x.name] = true
			}
			*x.dst = d
		}
		problems := targetProblems(out, parsed["first_response"], parsed["resolution"])
		for _, name := range []string{"first_response", "resolution"} {
			if msg, ok := problems[name]; ok {
				f.Add(where+"."+name, msg)
			}
		}
		return out
	}
	p := Policy{Default: map[string]Targets{}, ByTier: map[string]map[string]Targets{}}
	for _, prio := range Priorities {
		t, ok := s.Targets[prio]
		if !ok {
			f.Add("targets."+prio, "give targets for every priority")
			continue
		}
		p.Default[prio] = parse("targets."+prio, t)
	}
	for prio := range s.Targets {
		if !slices.Contains(Priorities, prio) {
			f.Add("targets."+prio, "use the priorities "+strings.Join(Priorities, ", "))
		}
	}
	for tier, m := range s.Tiers {
		p.ByTier[tier] = map[string]Targets{}
		for prio, t := range m {
			if !slices.Contains(Priorities, prio) {
				f.Add("tiers."+tier+"."+prio, "use the priorities "+strings.Join(Priorities, ", "))
				continue
			}
			p.ByTier[tier][prio] = parse("tiers."+tier+"."+prio, t)
		}
	}
	return p, f.Err()
}
