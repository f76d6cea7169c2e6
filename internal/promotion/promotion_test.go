package promotion

import (
	"testing"
	"time"

	"tandem/internal/fault"
)

func TestRunningAndTiers(t *testing.T) {
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	p := Promotion{Name: "Year's supply rebate", Terms: "8 % back", StartsAt: start, EndsAt: start.AddDate(0, 3, 0), PromiseKind: "rebate",
		PromiseDays: 56, Active: true, Tiers: []string{" Gold", "vip", "gold"}}
	p.Normalize()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for at, want := range map[time.Time]bool{start.Add(-time.Millisecond): false, start: true, p.EndsAt.Add(-time.Millisecond): true, p.EndsAt: false} {
		if got := p.RunningAt(at); got != want {
			t.Errorf("running at %v: %v, want %v", at, got, want)
		}
	}
	if len(p.Tiers) != 2 || !p.AppliesTo("gold") || !p.AppliesTo("vip") || p.AppliesTo("standard") {
		t.Errorf("tiers %v", p.Tiers)
	}
	if (Promotion{}).AppliesTo("standard") != true {
		t.Error("a promotion without tiers is for every account")
	}
	p.Active = false
	if p.RunningAt(start) {
		t.Error("an inactive promotion runs")
	}
}

func TestValidateNamesTheField(t *testing.T) {
	start := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	ok := Promotion{Name: "n", Terms: "t", StartsAt: start, EndsAt: start.Add(time.Hour)}
	for field, edit := range map[string]func(*Promotion){
		"name":         func(p *Promotion) { p.Name = "" },
		"terms":        func(p *Promotion) { p.Terms = "" },
		"starts_at":    func(p *Promotion) { p.StartsAt = time.Time{} },
		"ends_at":      func(p *Promotion) { p.EndsAt = p.StartsAt },
		"promise_kind": func(p *Promotion) { p.PromiseKind = "bribe" },
		"promise_days": func(p *Promotion) { p.PromiseKind, p.PromiseDays = "rebate", -1 },
		"tiers":        func(p *Promotion) { p.Tiers = []string{"platinum"} },
	} {
		p := ok
		edit(&p)
		p.Normalize()
		e, isFault := fault.As(p.Validate())
		if !isFault || len(e.Fields) != 1 || e.Fields[0].Field != field {
			t.Errorf("%s: %v", field, e)
		}
	}
}
