// Package promotion holds the promotions sales runs (a year's-supply
// rebate, a seasonal discount): their terms, when they run, the promise
// each implies (its kind and the window in which it is kept), and which
// accounts they are for. Pure domain code.
package promotion

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tandem/internal/customer"
	"tandem/internal/fault"
)

// PromiseKinds are the kinds of promise a promotion can imply; they are
// the promise ledger's kinds.
var PromiseKinds = []string{"delivery_date", "rebate", "discount", "callback", "service_level", "feature", "other"}

// Promotion is one promotion.
type Promotion struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Terms    string    `json:"terms"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	// PromiseKind and PromiseDays are the promise the promotion implies:
	// a year's-supply rebate implies a rebate paid within 56 days.
	PromiseKind string `json:"promise_kind"`
	PromiseDays int    `json:"promise_days"`
	Active      bool   `json:"active"`
	// Tiers limits it to accounts of these tiers; empty: every account.
	Tiers     []string  `json:"tiers"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// Normalize trims the fields.
func (p *Promotion) Normalize() {
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Terms = strings.TrimSpace(p.Terms)
	p.PromiseKind = strings.ToLower(strings.TrimSpace(p.PromiseKind))
	var tiers []string
	for _, t := range p.Tiers {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" && !slices.Contains(tiers, t) {
			tiers = append(tiers, t)
		}
	}
	slices.Sort(tiers)
	p.Tiers = tiers
}

// Validate reports every field that breaks a rule.
func (p Promotion) Validate() error {
	var f fault.Fields
	if p.Name == "" {
		f.Add("name", "name the promotion, such as “Year's supply rebate”")
	} else if utf8.RuneCountInString(p.Name) > 200 {
		f.Add("name", "keep the name under 200 characters")
	}
	if p.Terms == "" {
		f.Add("terms", "write the terms the customer was given")
	} else if utf8.RuneCountInString(p.Terms) > 5000 {
		f.Add("terms", "keep the terms under 5,000 characters")
	}
	if p.StartsAt.IsZero() {
		f.Add("starts_at", "say when the promotion starts")
	}
	if p.EndsAt.IsZero() {
		f.Add("ends_at", "say when the promotion ends")
	} else if !p.StartsAt.IsZero() && !p.EndsAt.After(p.StartsAt) {
		f.Add("ends_at", "a promotion ends after it starts")
	}
	if p.PromiseKind != "" && !slices.Contains(PromiseKinds, p.PromiseKind) {
		f.Add("promise_kind", "use one of: "+strings.Join(PromiseKinds, ", "))
	}
	if p.PromiseDays < 0 || p.PromiseDays > 3650 {
		f.Add("promise_days", "the payment window is from 0 to 3650 days")
	} else if p.PromiseDays > 0 && p.PromiseKind == "" {
		f.Add("promise_kind", "say which promise the window is for")
	}
	for _, t := range p.Tiers {
		if !slices.Contains(customer.Tiers, t) {
			f.Add("tiers", "use tiers among: "+strings.Join(customer.Tiers, ", "))
			break
		}
	}
	return f.Err()
}

// RunningAt reports whether the promotion is on at t: active, started,
// not ended (the end is exclusive).
func (p Promotion) RunningAt(t time.Time) bool {
	return p.Active && !t.Before(p.StartsAt) && t.Before(p.EndsAt)
}

// AppliesTo reports whether it is for accounts of a tier.
func (p Promotion) AppliesTo(tier string) bool {
	return len(p.Tiers) == 0 || slices.Contains(p.Tiers, tier)
}
