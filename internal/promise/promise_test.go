package promise

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/fault"
)

var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func fields(t *testing.T, err error) map[string]string {
	t.Helper()
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.Invalid {
		t.Fatalf("want an invalid-input error, got %v", err)
	}
	out := map[string]string{}
	for _, f := range e.Fields {
		out[f.Field] = f.Message
	}
	return out
}

func valid() Promise {
	return Promise{AccountID: "a", Kind: Rebate, Description: "The rebate is paid by the 14th", DueAt: now.Add(72 * time.Hour),
		Amount: &Money{Minor: 120000, Currency: "EUR"}, Status: Open}
}

func TestValidate(t *testing.T) {
	if err := valid().Validate(now); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		edit  func(*Promise)
		field string
	}{
		{"no account", func(p *Promise) { p.AccountID = "" }, "account_id"},
		{"unknown kind", func(p *Promise) { p.Kind = "bribe" }, "kind"},
		{"no words", func(p *Promise) { p.Description = "" }, "description"},
		{"long words", func(p *Promise) { p.Description = strings.Repeat("x", MaxDescription+1) }, "description"},
		{"negative amount", func(p *Promise) { p.Amount.Minor = -1 }, "amount.amount_minor"},
		{"unknown currency", func(p *Promise) { p.Amount.Currency = "XYZ" }, "amount.currency"},
		{"no due", func(p *Promise) { p.DueAt = time.Time{} }, "due_at"},
		{"past due", func(p *Promise) { p.DueAt = now.Add(-time.Hour) }, "due_at"},
		{"far due", func(p *Promise) { p.DueAt = now.AddDate(11, 0, 0) }, "due_at"},
	}
	for _, c := range cases {
		p := valid()
		c.edit(&p)
		if got := fields(t, p.Validate(now)); got[c.field] == "" {
			t.Errorf("%s: no message for %s: %v", c.name, c.field, got)
		}
	}
	p := valid()
	p.DueAt, p.BackdatedReason = now.Add(-time.Hour), "Written down after the call"
	if err := p.Validate(now); err != nil {
		t.Fatalf("a backdated promise with its reason: %v", err)
	}
}

func TestStateMachine(t *testing.T) {
	type step struct {
		from   Status
		t      Transition
		ok     bool
		status Status
		field  string
	}
	steps := []step{
		{Open, Transition{To: Kept}, true, Kept, ""},
		{Open, Transition{To: Kept, Evidence: "Credit note CN-1"}, true, Kept, ""},
		{Overdue, Transition{To: Kept}, true, Kept, ""},
		{Open, Transition{To: Broken}, false, Open, "reason"},
		{Open, Transition{To: Broken, Reason: "Finance refused"}, true, Broken, ""},
		{Overdue, Transition{To: Broken, Reason: "Too late"}, true, Broken, ""},
		{Open, Transition{To: Cancelled}, false, Open, "reason"},
		{Open, Transition{To: Cancelled, Reason: "Agreed a later date"}, true, Cancelled, ""},
		{Overdue, Transition{To: Cancelled, Reason: "Agreed"}, true, Cancelled, ""},
		{Open, Transition{To: Overdue}, false, Open, "to"},
		{Open, Transition{To: Open}, false, Open, "to"},
		{Open, Transition{To: "done"}, false, Open, "to"},
		{Open, Transition{To: Kept, Evidence: strings.Repeat("x", MaxReason+1)}, false, Open, "evidence"},
		{Open, Transition{To: Broken, Reason: strings.Repeat("x", MaxReason+1)}, false, Open, "reason"},
	}
	for _, final := range []Status{Kept, Broken, Cancelled} {
		for _, to := range Statuses {
			steps = append(steps, step{final, Transition{To: to, Reason: "r"}, false, final, "to"})
		}
	}
	for _, s := range steps {
		p := valid()
		p.Status = s.from
		err := p.Apply(s.t, "u1", now)
		if s.ok != (err == nil) {
			t.Errorf("%s → %s: %v", s.from, s.t.To, err)
			continue
		}
		if p.Status != s.status {
			t.Errorf("%s → %s: status %s", s.from, s.t.To, p.Status)
		}
		if !s.ok {
			if fields(t, err)[s.field] == "" {
				t.Errorf("%s → %s: the error does not name %s: %v", s.from, s.t.To, s.field, err)
			}
			continue
		}
		switch s.status {
		case Kept:
			if !p.KeptAt.Equal(now) || p.KeptByID != "u1" || p.Evidence != s.t.Evidence {
				t.Errorf("kept: %+v", p)
			}
		case Broken:
			if !p.BrokenAt.Equal(now) || p.BrokenReason != s.t.Reason {
				t.Errorf("broken: %+v", p)
			}
		case Cancelled:
			if !p.CancelledAt.Equal(now) || p.CancelReason != s.t.Reason {
				t.Errorf("cancelled: %+v", p)
			}
		}
	}
	// Keeping a cancelled promise says so, naming "to".
	p := valid()
	p.Status = Cancelled
	if msg := fields(t, p.Apply(Transition{To: Kept}, "u", now))["to"]; !strings.Contains(msg, "final") {
		t.Errorf("keeping a cancelled promise: %q", msg)
	}
}

func TestOverdueAndGrace(t *testing.T) {
	p := valid()
	if p.MarkOverdue(p.DueAt.Add(-time.Millisecond)) {
		t.Fatal("overdue before its due time")
	}
	if !p.MarkOverdue(p.DueAt) || p.Status != Overdue || !p.OverdueAt.Equal(p.DueAt) {
		t.Fatalf("not overdue at its due time: %+v", p)
	}
	if p.MarkOverdue(p.DueAt.Add(time.Hour)) {
		t.Fatal("overdue twice")
	}
	g := DefaultGrace()
	if g.For(Rebate) != 14*24*time.Hour || g.For(Callback) != 24*time.Hour || g.For(DeliveryDate) != 72*time.Hour {
		t.Fatalf("defaults: %v", g)
	}
	breaks := g.BreaksAt(p)
	if p.BreakAfterGrace(g, breaks.Add(-time.Millisecond)) {
		t.Fatal("broken inside the grace period")
	}
	if !p.BreakAfterGrace(g, breaks) || p.Status != Broken || !strings.Contains(p.BrokenReason, "14 days") {
		t.Fatalf("not broken after the grace period: %+v", p)
	}
	kept := valid()
	kept.Status = Kept
	if kept.MarkOverdue(kept.DueAt.Add(time.Hour)) || kept.BreakAfterGrace(g, kept.DueAt.AddDate(1, 0, 0)) {
		t.Fatal("a kept promise moved")
	}
	if err := (Grace{"bribe": time.Hour}).Validate(); fields(t, err)["bribe"] == "" {
		t.Fatal("an unknown kind's grace was accepted")
	}
	if err := (Grace{Rebate: -time.Hour}).Validate(); fields(t, err)["rebate"] == "" {
		t.Fatal("a negative grace was accepted")
	}
	custom := Grace{Rebate: time.Hour}
	if custom.For(Rebate) != time.Hour || custom.For(Callback) != 24*time.Hour {
		t.Fatalf("a setting with some kinds: %v %v", custom.For(Rebate), custom.For(Callback))
	}
}

func TestEditable(t *testing.T) {
	p := valid()
	if p.Editable(true) != nil {
		t.Fatal("an open promise did not change")
	}
	p.Status = Overdue
	if fields(t, p.Editable(true))["due_at"] == "" || p.Editable(false) != nil {
		t.Fatal("an overdue promise's due time moved, or its words did not change")
	}
	p.Status = Kept
	if fields(t, p.Editable(false))["status"] == "" {
		t.Fatal("a kept promise changed")
	}
}

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		in, code string
		minor    int64
		bad      bool
	}{
		{"1200", "EUR", 120000, false}, {"1,200.5", "EUR", 120050, false}, {"0.99", "USD", 99, false},
		{"5000", "JPY", 5000, false}, {"12.345", "EUR", 0, true}, {"1.5", "JPY", 0, true}, {"-3", "EUR", 0, true},
		{"abc", "EUR", 0, true}, {"", "EUR", 0, true}, {"10", "XYZ", 0, true}, {"1.234", "KWD", 1234, false},
	} {
		m, err := ParseMajor(c.in, c.code)
		if (err != nil) != c.bad || (!c.bad && m.Minor != c.minor) {
			t.Errorf("ParseMajor(%q, %s) = %v, %v", c.in, c.code, m, err)
		}
	}
	for m, want := range map[Money]string{{Minor: 120000, Currency: "EUR"}: "€1,200.00", {Minor: 5, Currency: "USD"}: "$0.05", {Minor: 1234567, Currency: "JPY"}: "¥1,234,567", {Minor: 100, Currency: "CHF"}: "CHF 1.00"} {
		if got := m.String(); got != want {
			t.Errorf("%v: %q, want %q", m, got, want)
		}
	}
}

// settle is Settle on a promise with just an acknowledgement.
func settle(conflicts []Conflict, ack string) ([]PolicyWarning, error) {
	p := Promise{Acknowledgement: ack}
	err := p.Settle(conflicts)
	return p.PolicyWarnings, err
}

func TestSettle(t *testing.T) {
	if w, err := settle(nil, ""); err != nil || w != nil {
		t.Fatal(w, err)
	}
	warn := Conflict{PolicyID: "p1", Name: "Rebate timing", Statement: "Rebates are paid 6–8 weeks after the claim"}
	if _, err := settle([]Conflict{warn}, ""); fault.KindOf(err) != fault.Conflict || !strings.Contains(err.Error(), "6–8 weeks") {
		t.Fatalf("an unacknowledged warning: %v", err)
	}
	w, err := settle([]Conflict{warn}, "The customer knows")
	if err != nil || len(w) != 1 || w[0].PolicyID != "p1" {
		t.Fatalf("acknowledged: %v %v", w, err)
	}
	block := warn
	block.Block = true
	if _, err := settle([]Conflict{block}, "anyway"); fault.KindOf(err) != fault.Conflict || !strings.Contains(err.Error(), "Rebate timing") {
		t.Fatalf("a block: %v", err)
	}
	faulty := Conflict{PolicyID: "p2", Name: "Broken rule", Statement: "the policy's rule failed", Faulty: true}
	if w, err := settle([]Conflict{faulty}, ""); err != nil || len(w) != 1 || w[0].Name != "Broken rule" {
		t.Fatalf("a faulty rule needs no acknowledgement and is kept as a warning: %v %v", w, err)
	}
	if _, err := settle([]Conflict{faulty, warn}, ""); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("a real warning beside a faulty one still needs an acknowledgement: %v", err)
	}
}

func TestSettleException(t *testing.T) {
	block := Conflict{PolicyID: "b1", Name: "No rebates this week", Statement: "Rebates wait for the audit", Block: true}
	block2 := Conflict{PolicyID: "b2", Name: "Gold only", Statement: "Only gold accounts", Block: true}
	warn := Conflict{PolicyID: "w1", Name: "Rebate timing", Statement: "Rebates are paid 6–8 weeks after the claim"}
	p := Promise{ExceptionReason: "  Agreed by the sales director for the renewal  "}
	p.Normalize()
	if err := p.Settle([]Conflict{block, block2}); err != nil {
		t.Fatal(err)
	}
	if !p.IsException() || p.ExceptionPolicyID != "b1" || p.ExceptionPolicyName != "No rebates this week, Gold only" ||
		p.ExceptionReason != "Agreed by the sales director for the renewal" {
		t.Fatalf("the exception: %+v", p)
	}
	// An exception to a block still needs the warnings acknowledged.
	p = Promise{ExceptionReason: "renewal"}
	if err := p.Settle([]Conflict{block, warn}); fault.KindOf(err) != fault.Conflict || !strings.Contains(err.Error(), "6–8 weeks") {
		t.Fatalf("the warning beside the exception: %v", err)
	}
	// Without a block there is no exception: the reason is dropped.
	p = Promise{ExceptionReason: "just in case", ExceptionPolicyID: "old", ExceptionPolicyName: "Old"}
	if err := p.Settle(nil); err != nil || p.IsException() || p.ExceptionReason != "" || p.ExceptionPolicyName != "" {
		t.Fatalf("no block: %+v %v", p, err)
	}
	if !Blocked([]Conflict{warn, block}) || Blocked([]Conflict{warn}) {
		t.Fatal("Blocked")
	}
}
