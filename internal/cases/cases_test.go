package cases

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/fault"
)

func TestLifecycle(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	c := Case{Status: New}
	yes, no := true, false
	steps := []struct {
		t    Transition
		want fault.Kind // -1: succeeds
	}{
		{Transition{To: Closed, Confirmed: &yes}, fault.Invalid}, // new cannot close
		{Transition{To: Open}, -1},                               // first response
		{Transition{To: Resolved}, fault.Invalid},                // no solution
		{Transition{To: PendingCustomer}, -1},
		{Transition{To: Resolved, Solution: "Replaced the unit"}, -1},
		{Transition{To: Closed}, fault.Invalid},                 // confirmed unknown
		{Transition{To: Closed, Confirmed: &no}, fault.Invalid}, // unconfirmed needs a reason
		{Transition{To: Closed, Confirmed: &no, Reason: "no answer in 10 days"}, -1},
		{Transition{To: PendingCustomer}, fault.Invalid},                       // closed → pending_customer
		{Transition{To: Open, Reason: "customer says it is not resolved"}, -1}, // reopen
	}
	for i, s := range steps {
		err := c.Apply(s.t, now.Add(time.Duration(i)*time.Hour))
		if s.want == -1 && err != nil || s.want != -1 && fault.KindOf(err) != s.want {
			t.Fatalf("step %d (%s → %s): %v", i, c.Status, s.t.To, err)
		}
	}
	if c.Status != Open || c.Reopened != 1 || c.Confirmed != nil || !c.RespondedAt.Equal(now.Add(time.Hour)) {
		t.Fatalf("after reopening: %+v", c)
	}
	err := (&Case{Status: Closed}).Apply(Transition{To: PendingCustomer}, now)
	e, _ := fault.As(err)
	if e == nil || e.Fields[0].Message != "allowed from closed: open" {
		t.Fatalf("an illegal transition names the allowed ones: %v", err)
	}
}

func TestPolicyAndValidation(t *testing.T) {
	p := DefaultPolicy()
	if p.For("vip", "urgent").FirstResponse != 30*time.Minute || p.For("gold", "urgent").FirstResponse != time.Hour {
		t.Fatal("policy lookup")
	}
	if ValidateTargets(Targets{0, time.Hour}) == nil || ValidateTargets(Targets{time.Hour, -time.Hour}) == nil {
		t.Fatal("non-positive targets accepted")
	}
	c := Case{AccountID: "a", Subject: "  Printer   jammed ", Priority: "HIGH"}
	c.Normalize()
	if c.Subject != "Printer jammed" || c.Priority != "high" || c.Validate() != nil {
		t.Fatalf("%+v %v", c, c.Validate())
	}
	bad := Case{Priority: "asap"}
	if e, _ := fault.As(bad.Validate()); e == nil || len(e.Fields) != 3 {
		t.Fatalf("want account, subject and priority errors: %v", bad.Validate())
	}
}

func TestPolicySpecs(t *testing.T) {
	p, err := DefaultPolicySpec().Compile()
	if err != nil || p.For("vip", "urgent").FirstResponse != 30*time.Minute || p.For("", "low").Resolution != 40*time.Hour {
		t.Fatalf("%v %+v", err, p)
	}
	if d := DefaultPolicySpec(); d.Targets["urgent"] != (TargetSpec{"1h", "8h"}) || d.Tiers["vip"]["urgent"] != (TargetSpec{"30m", "4h"}) {
		t.Fatalf("the default written out: %+v", d)
	}
	bad := DefaultPolicySpec()
	bad.Targets["urgent"] = TargetSpec{"0s", "soon"}
	_, err = bad.Compile()
	if e, _ := fault.As(err); e == nil || len(e.Fields) != 2 || e.Fields[0].Field != "targets.urgent.first_response" {
		t.Fatalf("%v", err)
	}
	missing := PolicySpec{Targets: map[string]TargetSpec{"normal": {"4h", "24h"}}}
	if _, err := missing.Compile(); err == nil {
		t.Fatal("a policy without every priority compiled")
	}
}

func TestNextDeadline(t *testing.T) {
	fr := time.Date(2026, 6, 1, 13, 0, 0, 0, time.UTC)
	res := fr.Add(24 * time.Hour)
	for _, c := range []struct {
		name      string
		c         Case
		want      time.Time
		wantFirst bool
	}{
		{"new: the first reply comes first", Case{Status: New, Clocks: Clocks{FirstResponseDue: fr, ResolutionDue: res}}, fr, true},
		{"answered: the resolution", Case{Status: Open, RespondedAt: fr.Add(-time.Hour), Clocks: Clocks{FirstResponseDue: fr, ResolutionDue: res}}, res, false},
		{"a resolution due before the first reply", Case{Status: Open, Clocks: Clocks{FirstResponseDue: res, ResolutionDue: fr}}, fr, false},
		{"waiting on the customer: paused, no reply owed", Case{Status: PendingCustomer, Clocks: Clocks{FirstResponseDue: fr}}, time.Time{}, false},
		{"new with the resolution clock paused: the first reply", Case{Status: New, Clocks: Clocks{FirstResponseDue: fr}}, fr, true},
		{"resolved: nothing", Case{Status: Resolved, RespondedAt: fr, Clocks: Clocks{FirstResponseDue: fr}}, time.Time{}, false},
	} {
		at, first := c.c.NextDeadline()
		if !at.Equal(c.want) || first != c.wantFirst {
			t.Errorf("%s: got %v first=%v, want %v first=%v", c.name, at, first, c.want, c.wantFirst)
		}
	}
}

// TestPolicyBounds: a target longer than its bound, or a resolution
// shorter than the first response, is refused naming the field.
func TestPolicyBounds(t *testing.T) {
	for _, c := range []struct {
		first, resolution string
		field, message    string
	}{
		{"999999h", "800h", "targets.urgent.first_response", "at most 720h"},
		{"4h", "999999h", "targets.urgent.resolution", "at most 8760h"},
		{"8h", "1m", "targets.urgent.resolution", "cannot be shorter than the first response target (8h)"},
		{"soon", "1m", "targets.urgent.first_response", "not a positive duration"},
	} {
		spec := DefaultPolicySpec()
		spec.Targets["urgent"] = TargetSpec{c.first, c.resolution}
		_, err := spec.Compile()
		e, _ := fault.As(err)
		if e == nil || len(e.Fields) != 1 || e.Fields[0].Field != c.field || !strings.Contains(e.Fields[0].Message, c.message) {
			t.Errorf("%s / %s: %v", c.first, c.resolution, err)
		}
	}
	for _, ok := range []TargetSpec{{"720h", "8760h"}, {"8h", "8h"}, {"30m", "1h"}} {
		spec := DefaultPolicySpec()
		spec.Tiers["vip"]["urgent"] = ok
		if _, err := spec.Compile(); err != nil {
			t.Errorf("%v refused: %v", ok, err)
		}
	}
	if err := ValidateTargets(Targets{8 * time.Hour, time.Minute}); err == nil {
		t.Error("a resolution under the first response passed ValidateTargets")
	}
}
