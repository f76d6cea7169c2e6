// Package deal holds sales opportunities: the pipeline's stages and their
// probabilities, a deal's fields, and the rules of moving a deal between
// stages (won and lost are final; lost needs a reason). Pure domain code:
// no SQL, no HTTP, no clock.
package deal

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tandem/internal/fault"
	"tandem/internal/promise"
)

// Money is an amount in minor units and an ISO 4217 code.
type Money = promise.Money

// The stages every pipeline has: won and lost end a deal.
const (
	Won  = "won"
	Lost = "lost"
)

// Sources say what a deal came from.
const (
	SourceNew             = "new"
	SourceReferral        = "referral"
	SourceRenewal         = "renewal"
	SourceServiceFollowUp = "service_follow_up"
	SourceOther           = "other"
)

// Sources lists every source.
var Sources = []string{SourceNew, SourceReferral, SourceRenewal, SourceServiceFollowUp, SourceOther}

// Stage is one column of the pipeline and the chance a deal in it is won,
// in percent.
type Stage struct {
	Key         string `json:"key" example:"negotiate"`
	Name        string `json:"name" example:"Negotiate"`
	Probability int    `json:"probability" minimum:"0" maximum:"100" example:"60" doc:"Percent chance a deal in this stage is won"`
}

// Pipeline is the ordered list of stages; the open ones first, then won
// and lost.
type Pipeline struct {
	Stages []Stage `json:"stages"`
}

// DefaultPipeline is the pipeline until a manager saves another.
func DefaultPipeline() Pipeline {
	return Pipeline{Stages: []Stage{
		{"qualify", "Qualify", 10}, {"propose", "Propose", 30}, {"negotiate", "Negotiate", 60},
		{Won, "Won", 100}, {Lost, "Lost", 0},
	}}
}

// Normalize trims the stages' keys and names.
func (p *Pipeline) Normalize() {
	for i := range p.Stages {
		s := &p.Stages[i]
		s.Key = strings.ToLower(strings.TrimSpace(s.Key))
		s.Name = strings.Join(strings.Fields(s.Name), " ")
		if s.Name == "" && s.Key != "" {
			s.Name = strings.ToUpper(s.Key[:1]) + s.Key[1:]
		}
	}
}

// Validate reports what is wrong with a pipeline: unique keys of lower
// case letters, digits and _, probabilities 0–100, at least one open
// stage, won (100 %) and lost (0 %) present and last.
func (p Pipeline) Validate() error {
	var f fault.Fields
	seen := map[string]bool{}
	open := 0
	for i, s := range p.Stages {
		field := fmt.Sprintf("stages[%d]", i)
		if s.Key == "" || len(s.Key) > 40 || strings.Trim(s.Key, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			f.Add(field+".key", "use lower-case letters, digits and _, up to 40, such as “negotiate”")
		} else if seen[s.Key] {
			f.Add(field+".key", "each stage needs its own key")
		}
		seen[s.Key] = true
		if utf8.RuneCountInString(s.Name) > 60 {
			f.Add(field+".name", "keep the name under 60 characters")
		}
		if s.Probability < 0 || s.Probability > 100 {
			f.Add(field+".probability", "a probability is from 0 to 100 %")
		}
		switch s.Key {
		case Won:
			if s.Probability != 100 {
				f.Add(field+".probability", "a won deal is won: 100 %")
			}
		case Lost:
			if s.Probability != 0 {
				f.Add(field+".probability", "a lost deal is lost: 0 %")
			}
		default:
			open++
			if seen[Won] || seen[Lost] {
				f.Add(field+".key", "open stages come before won and lost")
			}
		}
	}
	if !seen[Won] || !seen[Lost] {
		f.Add("stages", "keep the won and the lost stage")
	}
	if open == 0 {
		f.Add("stages", "add at least one open stage, such as qualify")
	}
	if len(p.Stages) > 20 {
		f.Add("stages", "keep to 20 stages")
	}
	return f.Err()
}

// Stage returns the stage of a key.
func (p Pipeline) Stage(key string) (Stage, bool) {
	i := slices.IndexFunc(p.Stages, func(s Stage) bool { return s.Key == key })
	if i < 0 {
		return Stage{}, false
	}
	return p.Stages[i], true
}

// Open lists the stages a deal is still open in, in order.
func (p Pipeline) Open() []Stage {
	var out []Stage
	for _, s := range p.Stages {
		if !Final(s.Key) {
			out = append(out, s)
		}
	}
	return out
}

// Keys lists every stage's key.
func (p Pipeline) Keys() []string {
	out := make([]string, len(p.Stages))
	for i, s := range p.Stages {
		out[i] = s.Key
	}
	return out
}

// Neighbours returns the open stages before and after key ("" when none):
// the board's previous and next buttons.
func (p Pipeline) Neighbours(key string) (prev, next string) {
	open := p.Open()
	i := slices.IndexFunc(open, func(s Stage) bool { return s.Key == key })
	if i < 0 {
		return "", ""
	}
	if i > 0 {
		prev = open[i-1].Key
	}
	if i+1 < len(open) {
		next = open[i+1].Key
	} else {
		next = Won
	}
	return prev, next
}

// Final reports whether a stage ends a deal.
func Final(stage string) bool { return stage == Won || stage == Lost }

// Deal is one sales opportunity at an account.
type Deal struct {
	ID            string    `json:"id"`
	AccountID     string    `json:"account_id"`
	OwnerID       string    `json:"owner_id"`
	Title         string    `json:"title"`
	Amount        Money     `json:"amount"`
	Stage         string    `json:"stage"`
	ExpectedClose time.Time `json:"expected_close"` // a day, midnight UTC; zero when unknown
	Source        string    `json:"source"`
	CaseID        string    `json:"case_id"`
	InteractionID string    `json:"interaction_id"`
	CreatedByID   string    `json:"created_by_id"`
	LostReason    string    `json:"lost_reason"`
	LostTo        string    `json:"lost_to"`
	WonAt         time.Time `json:"won_at"`
	LostAt        time.Time `json:"lost_at"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	Version       int64     `json:"version"`
}

// Normalize trims a deal's fields.
func (d *Deal) Normalize() {
	d.Title = strings.Join(strings.Fields(d.Title), " ")
	d.Stage = strings.ToLower(strings.TrimSpace(d.Stage))
	d.Source = strings.ToLower(strings.TrimSpace(d.Source))
	d.CaseID, d.InteractionID = strings.TrimSpace(d.CaseID), strings.TrimSpace(d.InteractionID)
	d.Amount.Currency = strings.ToUpper(strings.TrimSpace(d.Amount.Currency))
	if d.Source == "" {
		d.Source = SourceNew
	}
	if !d.ExpectedClose.IsZero() {
		y, m, day := d.ExpectedClose.UTC().Date()
		d.ExpectedClose = time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	}
}

// Validate reports every field of a deal that breaks a rule, against the
// pipeline in force. A new deal starts in an open stage.
func (d Deal) Validate(p Pipeline) error {
	var f fault.Fields
	if d.AccountID == "" {
		f.Add("account_id", "choose the account the deal is with")
	}
	if d.Title == "" {
		f.Add("title", "name the deal, such as “Renewal 2027”")
	} else if utf8.RuneCountInString(d.Title) > 200 {
		f.Add("title", "keep the title under 200 characters")
	}
	d.Amount.Validate("amount", &f)
	if _, ok := p.Stage(d.Stage); !ok || Final(d.Stage) {
		f.Add("stage", "use one of the open stages: "+strings.Join(keys(p.Open()), ", "))
	}
	if !slices.Contains(Sources, d.Source) {
		f.Add("source", "use one of: "+strings.Join(Sources, ", "))
	}
	if d.CaseID != "" && d.InteractionID != "" {
		f.Add("interaction_id", "link a deal to a case or to an interaction, not both")
	}
	if d.Source == SourceServiceFollowUp && d.CaseID == "" && d.InteractionID == "" {
		f.Add("case_id", "a service follow-up comes from a case or an interaction: link it")
	}
	if y := d.ExpectedClose.Year(); !d.ExpectedClose.IsZero() && (y < 2000 || y > 2200) {
		f.Add("expected_close", "give a date between 2000 and 2200")
	}
	return f.Err()
}

func keys(ss []Stage) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Key
	}
	return out
}

// Open reports whether the deal is still open.
func (d Deal) Open() bool { return !Final(d.Stage) }

// Slipping reports whether an open deal is past its expected close on day
// today (midnight UTC).
func (d Deal) Slipping(today time.Time) bool {
	return d.Open() && !d.ExpectedClose.IsZero() && d.ExpectedClose.Before(today)
}

// Transition is a request to move a deal to another stage.
type Transition struct {
	To         string `json:"to"`
	LostReason string `json:"lost_reason"`
	LostTo     string `json:"lost_to"`
}

// Move moves a deal to another stage at now: only an open deal moves, to
// another stage of the pipeline; lost needs a reason and may name the
// competitor it went to.
func (d *Deal) Move(p Pipeline, t Transition, now time.Time) error {
	t.To = strings.ToLower(strings.TrimSpace(t.To))
	t.LostReason = strings.Join(strings.Fields(t.LostReason), " ")
	t.LostTo = strings.Join(strings.Fields(t.LostTo), " ")
	if Final(d.Stage) {
		return fault.New(fault.Conflict, "this deal was already %s: won and lost deals do not move", d.Stage)
	}
	var f fault.Fields
	if _, ok := p.Stage(t.To); !ok {
		f.Add("to", "use one of the stages: "+strings.Join(p.Keys(), ", "))
	} else if t.To == d.Stage {
		f.Add("to", "the deal is in "+t.To+" already")
	}
	if t.To == Lost && t.LostReason == "" {
		f.Add("lost_reason", "say why it was lost, such as “price”")
	}
	if t.To != Lost && (t.LostReason != "" || t.LostTo != "") {
		f.Add("lost_reason", "a reason and a competitor go with lost only")
	}
	if utf8.RuneCountInString(t.LostReason) > 500 {
		f.Add("lost_reason", "keep the reason under 500 characters")
	}
	if utf8.RuneCountInString(t.LostTo) > 200 {
		f.Add("lost_to", "keep the competitor's name under 200 characters")
	}
	if err := f.Err(); err != nil {
		return err
	}
	d.Stage = t.To
	switch t.To {
	case Won:
		d.WonAt = now
	case Lost:
		d.LostAt, d.LostReason, d.LostTo = now, t.LostReason, t.LostTo
	}
	return nil
}

// Column is one stage of the board: its deals' count, their total and the
// total weighted by the stage's probability, per currency.
type Column struct {
	Stage    Stage
	Deals    []Deal
	Total    []Money
	Weighted []Money
	// Count is how many deals the stage has; Deals may be only the first
	// of them (BoardOf).
	Count int
}

// StageSum is the open deals of one stage in one currency, added up.
type StageSum struct {
	Stage  string
	Amount Money
	Count  int
}

// BoardOf is Board from the first deals of each stage and the sums of
// all of them: the columns' counts and totals are the stage's, whatever
// number of cards is shown.
func BoardOf(p Pipeline, first []Deal, sums []StageSum) []Column {
	cols := Board(p, first)
	index := map[string]int{}
	for i, s := range p.Stages {
		index[s.Key] = i
		cols[i].Total, cols[i].Weighted, cols[i].Count = nil, nil, 0
	}
	for _, s := range sums {
		i, ok := index[s.Stage]
		if !ok {
			continue
		}
		cols[i].Count += s.Count
		cols[i].Total = append(cols[i].Total, s.Amount)
	}
	for i := range cols {
		for _, m := range cols[i].Total {
			cols[i].Weighted = append(cols[i].Weighted, weigh(m, cols[i].Stage.Probability))
		}
	}
	return cols
}

func weigh(m Money, probability int) Money {
	return Money{Minor: m.Minor/100*int64(probability) + m.Minor%100*int64(probability)/100, Currency: m.Currency}
}

// Board groups deals into the pipeline's columns, in the pipeline's
// order; deals in a stage no longer in the pipeline are left out.
func Board(p Pipeline, deals []Deal) []Column {
	cols := make([]Column, len(p.Stages))
	index := map[string]int{}
	for i, s := range p.Stages {
		cols[i].Stage = s
		index[s.Key] = i
	}
	for _, d := range deals {
		if i, ok := index[d.Stage]; ok {
			cols[i].Deals = append(cols[i].Deals, d)
		}
	}
	for i := range cols {
		cols[i].Total, cols[i].Weighted = Totals(cols[i].Deals, cols[i].Stage.Probability)
		cols[i].Count = len(cols[i].Deals)
	}
	return cols
}

// Totals sums deals per currency, in the order currencies first appear,
// and weights each sum by a probability in percent (rounded down to the
// minor unit).
func Totals(deals []Deal, probability int) (total, weighted []Money) {
	for _, d := range deals {
		i := slices.IndexFunc(total, func(m Money) bool { return m.Currency == d.Amount.Currency })
		if i < 0 {
			total = append(total, Money{Currency: d.Amount.Currency})
			i = len(total) - 1
		}
		total[i].Minor += d.Amount.Minor
	}
	for _, m := range total {
		weighted = append(weighted, weigh(m, probability))
	}
	return total, weighted
}
