// Package rules holds service policies: the rules service lives by, written
// by managers as CEL expressions over the facts of a promise, and the check
// of a promise against every policy in force. A rule is true when the
// promise conflicts with the policy. Pure domain code: no I/O, no clock.
package rules

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/interpreter"

	"tandem/internal/fault"
)

// Severities of a policy. A warn conflict lets a promise be made once it is
// acknowledged; a block conflict refuses it (a manager may record an
// exception).
const (
	Warn  = "warn"
	Block = "block"
)

// Severities lists the severities a policy may have.
var Severities = []string{Warn, Block}

// Limits on a rule.
const (
	// MaxRuleLength is the longest rule, in characters.
	MaxRuleLength = 2000
	// CostLimit bounds the work one evaluation of one rule may do (CEL's
	// runtime cost units: about one per operation, a share of a string's
	// length for string functions). A plain rule costs under 50.
	CostLimit = 10_000
)

// Facts are what a rule may look at: the promise being made, its account
// and its maker. Value facts of the account (revenue, margin) join as
// fields here and variables in the environment once they exist.
type Facts struct {
	Kind        string // promise.kind
	AmountMinor int64  // promise.amount_minor; 0 without an amount
	Currency    string // promise.currency; "" without an amount
	DueInDays   int64  // promise.due_in_days: whole days from today to the due day, in the team's zone
	Description string // promise.description: the words said to the customer
	AccountTier string // account.tier
	MakerRole   string // maker.role
}

// Variable is one name of the CEL environment a rule is written in.
type Variable struct {
	Name        string
	Type        string
	Description string
}

// Environment lists the variables a rule may use, in the order the
// documentation shows them.
var Environment = []Variable{
	{"promise.kind", "string", "the kind of promise: delivery_date, rebate, discount, callback, service_level, feature, other"},
	{"promise.amount_minor", "int", "the promised amount in minor units (cents); 0 when the promise has no amount"},
	{"promise.currency", "string", "the ISO 4217 code of the amount (\"EUR\"); empty when the promise has no amount"},
	{"promise.due_in_days", "int", "whole days from today to the day the promise is due, in the team's time zone (0: due today; negative: in the past)"},
	{"promise.description", "string", "what exactly was promised: the words said to the customer"},
	{"account.tier", "string", "the account's tier: standard, silver, gold, vip"},
	{"maker.role", "string", "the role of the person making the promise: admin, manager, sales, service"},
}

func celType(t string) *cel.Type {
	if t == "int" {
		return cel.IntType
	}
	return cel.StringType
}

var env = func() *cel.Env {
	opts := []cel.EnvOption{
		cel.ParserExpressionSizeLimit(MaxRuleLength),
		cel.ParserRecursionLimit(100),
	}
	for _, v := range Environment {
		opts = append(opts, cel.Variable(v.Name, celType(v.Type)))
	}
	e, err := cel.NewEnv(opts...)
	if err != nil {
		panic(err)
	}
	return e
}()

// Program is a compiled rule, ready to evaluate; safe for concurrent use.
type Program struct {
	prg cel.Program
}

// CompileError says what is wrong with a rule and where: Line and Column
// count from 1, Column in characters.
type CompileError struct {
	Line, Column int
	Message      string
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
}

// Compile parses and type-checks a rule. It must be an expression over the
// environment that is true or false; the first problem is returned as a
// *CompileError naming its position.
func Compile(rule string) (*Program, error) {
	if strings.TrimSpace(rule) == "" {
		return nil, &CompileError{Line: 1, Column: 1, Message: "a rule is needed: an expression that is true when a promise conflicts with the policy"}
	}
	if n := utf8.RuneCountInString(rule); n > MaxRuleLength {
		return nil, &CompileError{Line: 1, Column: MaxRuleLength + 1, Message: fmt.Sprintf("the rule is %d characters long; at most %d", n, MaxRuleLength)}
	}
	ast, iss := env.Compile(rule)
	if iss != nil && iss.Err() != nil {
		errs := iss.Errors()
		if len(errs) == 0 {
			return nil, &CompileError{Line: 1, Column: 1, Message: iss.Err().Error()}
		}
		first := errs[0]
		line, col := first.Location.Line(), first.Location.Column()+1
		if line < 1 {
			line, col = 1, 1
		}
		return nil, &CompileError{Line: line, Column: col, Message: first.Message}
	}
	if out := ast.OutputType(); !out.IsExactType(types.BoolType) {
		return nil, &CompileError{Line: 1, Column: 1, Message: fmt.Sprintf("the rule must be true or false (a bool), but it gives %s", out)}
	}
	opts := []cel.ProgramOption{cel.EvalOptions(cel.OptOptimize)}
	// A rule whose worst case on the largest facts stays within the limit
	// runs without counting its cost; any other is counted and stopped.
	if est, err := env.EstimateCost(ast, sizes{}); err != nil || est.Max > CostLimit {
		opts = append(opts, cel.CostLimit(CostLimit))
	}
	prg, err := env.Program(ast, opts...)
	if err != nil {
		return nil, &CompileError{Line: 1, Column: 1, Message: err.Error()}
	}
	return &Program{prg: prg}, nil
}

// MaxDescription is the longest promise description the cost estimate
// allows for; other text facts are at most MaxText characters.
const (
	MaxDescription = 10_000
	MaxText        = 200
)

// sizes bounds the facts for the cost estimate.
type sizes struct{}

func (sizes) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

func (sizes) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if p := n.Path(); len(p) == 1 {
		if p[0] == "promise.description" {
			return &cost.SizeEstimate{Min: 0, Max: MaxDescription}
		}
		return &cost.SizeEstimate{Min: 0, Max: MaxText}
	}
	return nil
}

// activation hands the facts to a rule as CEL values, made once per check
// and shared by every rule.
type activation struct {
	kind, currency, description, tier, role types.String
	amount, due                             types.Int
}

func newActivation(f Facts) *activation {
	return &activation{
		kind: types.String(f.Kind), currency: types.String(f.Currency), description: types.String(f.Description),
		tier: types.String(f.AccountTier), role: types.String(f.MakerRole),
		amount: types.Int(f.AmountMinor), due: types.Int(f.DueInDays),
	}
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "promise.kind":
		return a.kind, true
	case "promise.amount_minor":
		return a.amount, true
	case "promise.currency":
		return a.currency, true
	case "promise.due_in_days":
		return a.due, true
	case "promise.description":
		return a.description, true
	case "account.tier":
		return a.tier, true
	case "maker.role":
		return a.role, true
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

// Eval says whether the facts conflict with the rule. It never panics: a
// rule that fails (a division by zero, the cost limit) returns an error.
func (p *Program) Eval(f Facts) (conflict bool, err error) {
	return p.eval(newActivation(f))
}

func (p *Program) eval(a *activation) (conflict bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			conflict, err = false, fmt.Errorf("the rule failed: %v", r)
		}
	}()
	out, _, err := p.prg.Eval(a)
	if err != nil {
		return false, err
	}
	b, ok := out.(types.Bool)
	if !ok {
		return false, errors.New("the rule did not give true or false")
	}
	return bool(b), nil
}

// Policy is one rule service lives by.
type Policy struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Statement     string    `json:"statement"` // the rule in plain words, as customers and sales hear it
	Rule          string    `json:"rule"`      // CEL; true when a promise conflicts
	Severity      string    `json:"severity"`  // warn | block
	EffectiveFrom time.Time `json:"effective_from"`
	EffectiveTo   time.Time `json:"effective_to"` // zero: open-ended
	Active        bool      `json:"active"`       // false once removed
	UpdatedByID   string    `json:"updated_by_id"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int64     `json:"version"`
}

// InForce says whether the policy applies at t: active, from its
// effective_from (inclusive) until its effective_to (exclusive), if any.
func (p Policy) InForce(t time.Time) bool {
	if !p.Active || t.Before(p.EffectiveFrom) {
		return false
	}
	return p.EffectiveTo.IsZero() || t.Before(p.EffectiveTo)
}

// Compiled is a policy with its compiled rule.
type Compiled struct {
	Policy  Policy
	Program *Program
}

// Conflict is a policy a promise conflicts with, or one whose rule failed
// on it (Faulty, always severity warn, with the Error).
type Conflict struct {
	PolicyID  string `json:"policy_id"`
	Name      string `json:"name"`
	Statement string `json:"statement"`
	Severity  string `json:"severity"`
	Faulty    bool   `json:"faulty"`
	Error     string `json:"error,omitempty"`
	// PolicyVersion is the version of the policy that was checked.
	PolicyVersion int64 `json:"-"`
}

// Check evaluates every policy in force at `at` on the facts and returns
// the conflicts, blocks first, then by name. A rule that fails is a faulty
// warn conflict: it never blocks a promise, and it is never silently
// skipped.
func Check(f Facts, at time.Time, policies []Compiled) []Conflict {
	var out []Conflict
	a := newActivation(f)
	for _, c := range policies {
		if !c.Policy.InForce(at) {
			continue
		}
		conflict := Conflict{PolicyID: c.Policy.ID, Name: c.Policy.Name, Statement: c.Policy.Statement, Severity: c.Policy.Severity,
			PolicyVersion: c.Policy.Version}
		if c.Program == nil {
			conflict.Severity, conflict.Faulty, conflict.Error = Warn, true, "the rule is not compiled"
			out = append(out, conflict)
			continue
		}
		hit, err := c.Program.eval(a)
		switch {
		case err != nil:
			conflict.Severity, conflict.Faulty, conflict.Error = Warn, true, err.Error()
		case !hit:
			continue
		}
		out = append(out, conflict)
	}
	slices.SortStableFunc(out, func(a, b Conflict) int {
		if (a.Severity == Block) != (b.Severity == Block) {
			if a.Severity == Block {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// Blocked says whether any conflict blocks.
func Blocked(cs []Conflict) bool {
	return slices.ContainsFunc(cs, func(c Conflict) bool { return c.Severity == Block })
}

// Validate checks a policy about to be saved and compiles its rule; the
// error is Invalid and names each field at fault (the rule's message
// names the position).
func Validate(p Policy) (*Program, error) {
	var fs fault.Fields
	if strings.TrimSpace(p.Name) == "" {
		fs.Add("name", "a policy needs a name")
	}
	if strings.TrimSpace(p.Statement) == "" {
		fs.Add("statement", "say the policy in plain words, as a customer would hear it")
	}
	if !slices.Contains(Severities, p.Severity) {
		fs.Add("severity", "severity is warn or block")
	}
	if p.EffectiveFrom.IsZero() {
		fs.Add("effective_from", "say from when the policy applies")
	}
	if !p.EffectiveTo.IsZero() && !p.EffectiveTo.After(p.EffectiveFrom) {
		fs.Add("effective_to", "effective_to must be after effective_from")
	}
	prg, err := Compile(p.Rule)
	if err != nil {
		fs.Add("rule", err.Error())
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	return prg, nil
}
