package rules

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"tandem/internal/fault"
)

var day0 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func policy(id, rule, severity string) Compiled {
	prg, err := Compile(rule)
	if err != nil {
		panic(fmt.Sprintf("%s: %v", rule, err))
	}
	return Compiled{Policy: Policy{ID: id, Name: "policy " + id, Statement: "statement " + id, Rule: rule, Severity: severity,
		EffectiveFrom: day0, Active: true, Version: 1}, Program: prg}
}

func TestCompileErrorsNameThePosition(t *testing.T) {
	for _, tc := range []struct {
		rule      string
		line, col int
		says      string
	}{
		{`promise.kindd == "rebate"`, 1, 8, "did you mean 'promise.kind'"},
		{`promise.kind == "rebate" && promise.due_in_days < `, 1, 51, "mismatched input"},
		{"promise.kind == \"rebate\" &&\n  promise.due_in_dys < 42", 2, 10, "promise.due_in_dys"},
		{`promise.kind = "rebate"`, 1, 14, ""},
		{`promise.amount_minor > "100"`, 1, 22, "no matching overload"},
		{``, 1, 1, "a rule is needed"},
		{strings.Repeat("a", MaxRuleLength+1), 1, MaxRuleLength + 1, "at most"},
	} {
		_, err := Compile(tc.rule)
		var ce *CompileError
		if !errors.As(err, &ce) {
			t.Fatalf("%q: want a CompileError, got %v", tc.rule, err)
		}
		if ce.Line != tc.line || ce.Column != tc.col {
			t.Errorf("%q: position %d:%d, want %d:%d (%s)", tc.rule, ce.Line, ce.Column, tc.line, tc.col, ce.Message)
		}
		if !strings.Contains(ce.Error(), tc.says) || !strings.HasPrefix(ce.Error(), fmt.Sprintf("line %d, column %d: ", tc.line, tc.col)) {
			t.Errorf("%q: message %q, want it to say %q", tc.rule, ce.Error(), tc.says)
		}
	}
}

func TestNonBooleanRuleIsRefused(t *testing.T) {
	for _, rule := range []string{`promise.amount_minor * 2`, `promise.kind`, `[1, 2]`, `promise.kind == "rebate" ? 1 : 0`} {
		_, err := Compile(rule)
		var ce *CompileError
		if !errors.As(err, &ce) || !strings.Contains(ce.Message, "must be true or false") {
			t.Errorf("%q: want refused as not a bool, got %v", rule, err)
		}
	}
	if _, err := Compile(`promise.kind == "rebate" && promise.due_in_days < 42`); err != nil {
		t.Errorf("a boolean rule is refused: %v", err)
	}
}

func TestCheckFindsConflicts(t *testing.T) {
	rebate := policy("rebate", `promise.kind == "rebate" && promise.due_in_days < 42`, Warn)
	discount := policy("discount", `promise.kind == "discount" && promise.currency == "EUR" && promise.amount_minor > 500000 && maker.role != "manager"`, Block)
	vip := policy("vip", `account.tier == "vip" && promise.description.contains("free")`, Warn)
	all := []Compiled{rebate, discount, vip}
	at := day0.Add(time.Hour)
	for _, tc := range []struct {
		name  string
		facts Facts
		want  []string
	}{
		{"rebate too soon", Facts{Kind: "rebate", DueInDays: 10}, []string{"rebate"}},
		{"rebate in the window", Facts{Kind: "rebate", DueInDays: 45}, nil},
		{"big discount by sales", Facts{Kind: "discount", AmountMinor: 600000, Currency: "EUR", MakerRole: "sales"}, []string{"discount"}},
		{"big discount by a manager", Facts{Kind: "discount", AmountMinor: 600000, Currency: "EUR", MakerRole: "manager"}, nil},
		{"block listed first", Facts{Kind: "discount", AmountMinor: 600000, Currency: "EUR", MakerRole: "sales", AccountTier: "vip", Description: "free shipping"}, []string{"discount", "vip"}},
	} {
		got := Check(tc.facts, at, all)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.PolicyID)
			if c.Faulty {
				t.Errorf("%s: %s is faulty: %s", tc.name, c.PolicyID, c.Error)
			}
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: conflicts %v, want %v", tc.name, ids, tc.want)
		}
		if Blocked(got) != slices.Contains(tc.want, "discount") {
			t.Errorf("%s: blocked %v", tc.name, Blocked(got))
		}
	}
	c := Check(Facts{Kind: "rebate", DueInDays: 3}, at, all)[0]
	if c.Name != "policy rebate" || c.Statement != "statement rebate" || c.Severity != Warn {
		t.Errorf("conflict %+v does not carry the policy", c)
	}
}

func TestRuntimeErrorIsAFaultyWarning(t *testing.T) {
	broken := policy("div", `promise.amount_minor / promise.due_in_days > 100`, Block)
	got := Check(Facts{Kind: "rebate", AmountMinor: 1000, DueInDays: 0}, day0, []Compiled{broken})
	if len(got) != 1 || !got[0].Faulty || got[0].Severity != Warn || !strings.Contains(got[0].Error, "division by zero") {
		t.Fatalf("a rule failing at evaluation gives %+v; want one faulty warn conflict", got)
	}
	if Blocked(got) {
		t.Error("a faulty block rule blocks")
	}
	// The same rule on facts where it works is a plain block.
	if got := Check(Facts{AmountMinor: 1000, DueInDays: 2}, day0, []Compiled{broken}); len(got) != 1 || got[0].Faulty || got[0].Severity != Block {
		t.Errorf("working rule: %+v", got)
	}
	// A policy whose program is missing is faulty, never skipped.
	missing := Compiled{Policy: broken.Policy}
	if got := Check(Facts{}, day0, []Compiled{missing}); len(got) != 1 || !got[0].Faulty {
		t.Errorf("missing program: %+v", got)
	}
}

func TestCostLimitMakesTheRuleFaulty(t *testing.T) {
	heavy := `[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29].all(a,
	  [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29].all(b,
	  [0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29].all(c, a + b + c >= promise.due_in_days)))`
	p := policy("heavy", heavy, Block)
	got := Check(Facts{DueInDays: 0}, day0, []Compiled{p})
	if len(got) != 1 || !got[0].Faulty || got[0].Severity != Warn || !strings.Contains(got[0].Error, "cost limit") {
		t.Fatalf("a rule over the cost limit gives %+v; want a faulty warn conflict", got)
	}
	// A long description through a string function stays within the limit.
	text := policy("text", `promise.description.contains("free")`, Warn)
	got = Check(Facts{Description: strings.Repeat("x", 10_000) + " free"}, day0, []Compiled{text})
	if len(got) != 1 || got[0].Faulty {
		t.Errorf("a 10,000-character description: %+v", got)
	}
}

func TestEffectiveDates(t *testing.T) {
	p := policy("rebate", `promise.kind == "rebate"`, Warn)
	bounded := p
	bounded.Policy.EffectiveTo = day0.AddDate(0, 1, 0)
	removed := p
	removed.Policy.Active = false
	f := Facts{Kind: "rebate"}
	for _, tc := range []struct {
		name string
		c    Compiled
		at   time.Time
		want bool
	}{
		{"before from", p, day0.Add(-time.Second), false},
		{"at from", p, day0, true},
		{"open-ended, years later", p, day0.AddDate(10, 0, 0), true},
		{"before to", bounded, day0.AddDate(0, 1, 0).Add(-time.Second), true},
		{"at to", bounded, day0.AddDate(0, 1, 0), false},
		{"after to", bounded, day0.AddDate(0, 2, 0), false},
		{"removed", removed, day0.Add(time.Hour), false},
	} {
		if got := len(Check(f, tc.at, []Compiled{tc.c})) == 1; got != tc.want {
			t.Errorf("%s: applies %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestValidateNamesTheFields(t *testing.T) {
	_, err := Validate(Policy{Name: " ", Severity: "stop", Rule: "promise.kind ==", EffectiveFrom: day0, EffectiveTo: day0})
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.Invalid {
		t.Fatalf("want invalid, got %v", err)
	}
	var fields []string
	for _, f := range e.Fields {
		fields = append(fields, f.Field)
		if f.Field == "rule" && !strings.HasPrefix(f.Message, "line 1, column 16:") {
			t.Errorf("rule message %q does not name the position", f.Message)
		}
	}
	sort.Strings(fields)
	if want := []string{"effective_to", "name", "rule", "severity", "statement"}; !slices.Equal(fields, want) {
		t.Errorf("fields %v, want %v", fields, want)
	}
	if _, err := Validate(Policy{Name: "n", Statement: "s", Severity: Block, Rule: "true", EffectiveFrom: day0}); err != nil {
		t.Errorf("a good policy: %v", err)
	}
}

func TestDueInDaysCountsCalendarDaysInTheZone(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	now := time.Date(2026, 3, 27, 22, 30, 0, 0, time.UTC) // Friday 23:30 in Berlin
	for _, tc := range []struct {
		due  time.Time
		want int64
	}{
		{time.Date(2026, 3, 27, 23, 15, 0, 0, time.UTC), 1}, // Saturday 00:15 in Berlin
		{time.Date(2026, 3, 27, 22, 45, 0, 0, time.UTC), 0}, // still Friday
		{time.Date(2026, 4, 6, 10, 0, 0, 0, time.UTC), 10},  // across the change to summer time
		{time.Date(2026, 3, 20, 10, 0, 0, 0, time.UTC), -7}, // a week ago
	} {
		if got := DueInDays(now, tc.due, berlin); got != tc.want {
			t.Errorf("due %s: %d days, want %d", tc.due, got, tc.want)
		}
	}
}

// TestDocumentedExamplesCompile: every rule docs/policies.md shows compiles.
func TestDocumentedExamplesCompile(t *testing.T) {
	doc, err := os.ReadFile("../../docs/policies.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) != 5 || !strings.Contains(cells[2], "warn") && !strings.Contains(cells[2], "block") {
			continue
		}
		rule := strings.Trim(strings.TrimSpace(cells[3]), "`")
		if _, err := Compile(rule); err != nil {
			t.Errorf("%s: %v", rule, err)
		}
		n++
	}
	if n < 4 {
		t.Fatalf("found %d examples in the docs", n)
	}
}
