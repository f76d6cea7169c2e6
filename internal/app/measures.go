package app

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// PromiseRate is how one person, team or account kept the promises due in
// a period. A promise counts in the period its due time falls in; a
// cancelled one (renegotiated with the customer's consent) does not count.
// Rate is KeptOnTime / Due: kept on time is kept at or before the due time.
type PromiseRate struct {
	Key        string  `json:"key" doc:"The user's id, the team (sales, service), the account's id; all for the total"`
	Name       string  `json:"name" doc:"The user's or account's name, or the team"`
	Due        int     `json:"due" doc:"Promises due in the period, cancelled ones left out"`
	KeptOnTime int     `json:"kept_on_time" doc:"Of those, kept at or before their due time"`
	KeptLate   int     `json:"kept_late" doc:"Kept after their due time"`
	Broken     int     `json:"broken"`
	Overdue    int     `json:"overdue" doc:"Overdue now, not yet kept or broken"`
	Open       int     `json:"open" doc:"Not yet due (the period runs into the future)"`
	Exceptions int     `json:"exceptions" doc:"Recorded as exceptions to a block policy"`
	Rate       float64 `json:"rate" doc:"kept_on_time / due, from 0 to 1; 0 when nothing was due"`
}

func (r *PromiseRate) add(t store.PromiseTally) {
	if t.Status == promise.Cancelled {
		return
	}
	r.Due += t.Count
	switch t.Status {
	case promise.Kept:
		if t.OnTime {
			r.KeptOnTime += t.Count
		} else {
			r.KeptLate += t.Count
		}
	case promise.Broken:
		r.Broken += t.Count
	case promise.Overdue:
		r.Overdue += t.Count
	case promise.Open:
		r.Open += t.Count
	}
	if t.Exception {
		r.Exceptions += t.Count
	}
	if r.Due > 0 {
		r.Rate = float64(r.KeptOnTime) / float64(r.Due)
	}
}

// PromiseMeasures are the promise ledger's measures over a period: the
// promise-keeping rate in total, per person, per team and per account; the
// overdue and broken promises and the exceptions to block policies among
// those due in the period; and the goodwill approved in it by reason.
type PromiseMeasures struct {
	From       time.Time         `json:"from"`
	To         time.Time         `json:"to"`
	Total      PromiseRate       `json:"total"`
	ByPerson   []PromiseRate     `json:"by_person" doc:"The lowest rate first"`
	ByTeam     []PromiseRate     `json:"by_team"`
	ByAccount  []PromiseRate     `json:"by_account" doc:"The lowest rate first"`
	Overdue    []promise.Promise `json:"-"`
	Broken     []promise.Promise `json:"-"`
	Exceptions []promise.Promise `json:"-"`
	Goodwill   []GoodwillTotal   `json:"goodwill_by_reason" doc:"Goodwill approved in the period, by reason and currency, the largest first"`
}

// measuresList is how many promises each list of the measures holds; the
// counts link to the full lists.
const measuresList = 50

// maxMeasurePeriod bounds a period of measures.
const maxMeasurePeriod = 5 * 366 * 24 * time.Hour

// PromiseMeasures measures the promises due in [from, to) (managers).
func (a *App) PromiseMeasures(ctx context.Context, actor access.Actor, from, to time.Time) (PromiseMeasures, error) {
	if err := actor.Require(access.ReadTeam, false); err != nil {
		return PromiseMeasures{}, err
	}
	var f fault.Fields
	switch {
	case from.IsZero():
		f.Add("from", "say from when")
	case to.IsZero():
		f.Add("to", "say until when")
	case !to.After(from):
		f.Add("to", "the period ends after it starts")
	case to.Sub(from) > maxMeasurePeriod:
		f.Add("to", "a period of at most 5 years")
	}
	if err := f.Err(); err != nil {
		return PromiseMeasures{}, err
	}
	m := PromiseMeasures{From: from, To: to, Total: PromiseRate{Key: "all", Name: "Everyone"}}
	tallies, err := a.store.PromiseTallies(ctx, from, to)
	if err != nil {
		return m, err
	}
	people, teams, accounts := map[string]*PromiseRate{}, map[string]*PromiseRate{}, map[string]*PromiseRate{}
	at := func(in map[string]*PromiseRate, k string) *PromiseRate {
		r, ok := in[k]
		if !ok {
			r = &PromiseRate{Key: k, Name: k}
			in[k] = r
		}
		return r
	}
	for _, t := range tallies {
		m.Total.add(t)
		at(people, t.MadeByID).add(t)
		at(teams, t.Team).add(t)
		at(accounts, t.AccountID).add(t)
	}
	users, err := a.store.Users(ctx)
	if err != nil {
		return m, err
	}
	for _, u := range users {
		if r, ok := people[u.ID]; ok {
			r.Name = u.Name
		}
	}
	names, err := a.store.AccountNames(ctx, slices.Collect(maps.Keys(accounts)))
	if err != nil {
		return m, err
	}
	for k, r := range accounts {
		if n := names[k]; n != "" {
			r.Name = n
		}
	}
	for k, r := range teams {
		r.Name = map[string]string{"sales": "Sales", "service": "Service"}[k]
	}
	m.ByPerson, m.ByTeam, m.ByAccount = ranked(people), ranked(teams), ranked(accounts)
	list := func(f store.PromiseFilter) ([]promise.Promise, error) {
		f.DueAfter, f.DueBefore = from, to
		l, _, err := a.store.Promises(ctx, f, store.Page{Limit: measuresList})
		return l, err
	}
	if m.Overdue, err = list(store.PromiseFilter{Statuses: []promise.Status{promise.Overdue}}); err != nil {
		return m, err
	}
	if m.Broken, err = list(store.PromiseFilter{Statuses: []promise.Status{promise.Broken}}); err != nil {
		return m, err
	}
	if m.Exceptions, err = list(store.PromiseFilter{Exception: true}); err != nil {
		return m, err
	}
	gw, err := a.GoodwillReport(ctx, actor, from, to)
	if err != nil {
		return m, err
	}
	m.Goodwill = gw.ByReason
	return m, nil
}

// ranked lists rates the lowest first (where to look), then by name.
func ranked(in map[string]*PromiseRate) []PromiseRate {
	out := make([]PromiseRate, 0, len(in))
	for _, r := range in {
		if r.Due > 0 {
			out = append(out, *r)
		}
	}
	slices.SortFunc(out, func(x, y PromiseRate) int {
		return cmp.Or(cmp.Compare(x.Rate, y.Rate), cmp.Compare(y.Due, x.Due), cmp.Compare(x.Name, y.Name), cmp.Compare(x.Key, y.Key))
	})
	return out
}
