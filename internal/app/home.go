package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/inbox"
	"tandem/internal/sla"
	"tandem/internal/store"
)

// Listed is the start of a list and how long the whole list is.
type Listed[T any] struct {
	Items []T
	Total int
}

// Desk is a service agent's day: the cases assigned to them by their
// next deadline, those nobody has taken, and what was handed to them.
type Desk struct {
	Mine       Listed[cases.Case]
	Unassigned Listed[cases.Case]
	Handed     []inbox.Notification // unread notices of cases assigned to them
}

// DeskOf returns the actor's desk; lists hold at most limit cases each.
func (a *App) DeskOf(ctx context.Context, actor access.Actor, limit int) (Desk, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return Desk{}, err
	}
	var d Desk
	var err error
	if d.Mine, err = a.listCases(ctx, store.CaseFilter{AssigneeID: actor.User.ID, Statuses: cases.Unfinished}, limit); err != nil {
		return Desk{}, err
	}
	if d.Unassigned, err = a.listCases(ctx, store.CaseFilter{Unassigned: true, Statuses: cases.Unfinished}, limit); err != nil {
		return Desk{}, err
	}
	unread, _, err := a.store.Notifications(ctx, actor.User.ID, store.NotificationFilter{UnreadOnly: true, Kind: inbox.CaseAssigned}, store.Page{Limit: limit})
	if err != nil {
		return Desk{}, err
	}
	d.Handed = unread
	return d, nil
}

func (a *App) listCases(ctx context.Context, f store.CaseFilter, limit int) (Listed[cases.Case], error) {
	f.Now = a.Now()
	list, _, err := a.store.Cases(ctx, f, store.Page{Limit: limit})
	if err != nil {
		return Listed[cases.Case]{}, err
	}
	n, err := a.store.CountCases(ctx, f)
	return Listed[cases.Case]{Items: list, Total: n}, err
}

// Week is how many of the cases resolved in a week met their targets.
type Week struct {
	From, To time.Time // [From, To), Monday to Monday in the team's zone
	Resolved int
	Met      int
}

// Percent is the share met, in whole percent; -1 when nothing was resolved.
func (w Week) Percent() int {
	if w.Resolved == 0 {
		return -1
	}
	return w.Met * 100 / w.Resolved
}

// Load is how many unfinished cases one agent holds.
type Load struct {
	AssigneeID string
	Cases      int
}

// Team is how the service team stands now, for a manager; every number
// is the length of a case list a store.CaseFilter names (the open ones
// summed in one pass by store.Loads, by the same conditions).
type Team struct {
	Open, Unassigned, Breached, AtRisk int
	ThisWeek, LastWeek                 Week
	Loads                              []Load // open cases per agent, most first; unassigned ones are not an agent's
	Unconfirmed                        int    // closed without the customer's confirmation, in UnconfirmedSince
	UnconfirmedSince                   time.Time
	Troubled                           []store.AccountCount // accounts with the most cases past their deadline
}

// UnconfirmedWindow is how far back the team's unconfirmed closes count,
// from the start of that day in the team's zone.
const UnconfirmedWindow = 30 * 24 * time.Hour

// TeamOf returns how the service team stands; managers and admins only.
func (a *App) TeamOf(ctx context.Context, actor access.Actor) (Team, error) {
	if err := actor.Require(access.ReadTeam, false); err != nil {
		return Team{}, err
	}
	now := a.Now()
	var t Team
	loads, err := a.store.Loads(ctx, now)
	if err != nil {
		return Team{}, err
	}
	for _, l := range loads {
		t.Open, t.Breached, t.AtRisk = t.Open+l.Open, t.Breached+l.Breached, t.AtRisk+l.AtRisk
		if l.AssigneeID == "" {
			t.Unassigned = l.Open
		} else {
			t.Loads = append(t.Loads, Load{AssigneeID: l.AssigneeID, Cases: l.Open})
		}
	}
	slices.SortFunc(t.Loads, func(x, y Load) int {
		if x.Cases != y.Cases {
			return y.Cases - x.Cases
		}
		return strings.Compare(x.AssigneeID, y.AssigneeID)
	})
	// From the start of that day, as the list the figure links to reads it.
	since := now.Add(-UnconfirmedWindow).In(a.Zone())
	t.UnconfirmedSince = time.Date(since.Year(), since.Month(), since.Day(), 0, 0, 0, 0, a.Zone())
	if t.Unconfirmed, err = a.store.CountCases(ctx, store.CaseFilter{Statuses: []cases.Status{cases.Closed}, Unconfirmed: true,
		ClosedFrom: t.UnconfirmedSince, Now: now}); err != nil {
		return Team{}, err
	}
	if t.Troubled, err = a.store.BreachedByAccount(ctx, now, 10); err != nil {
		return Team{}, err
	}
	monday := WeekStart(now, a.Zone())
	if t.ThisWeek, err = a.week(ctx, monday, monday.AddDate(0, 0, 7)); err != nil {
		return Team{}, err
	}
	t.LastWeek, err = a.week(ctx, monday.AddDate(0, 0, -7), monday)
	return t, err
}

// WeekStart is the Monday 00:00 in zone of the week holding t.
func WeekStart(t time.Time, zone *time.Location) time.Time {
	l := t.In(zone)
	back := (int(l.Weekday()) + 6) % 7
	d := l.AddDate(0, 0, -back)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone)
}

// week counts the cases resolved in [from, to) and those of them that met
// their resolution target, by the rule the case pages show (SLAOf).
func (a *App) week(ctx context.Context, from, to time.Time) (Week, error) {
	w := Week{From: from, To: to}
	p := store.Page{Limit: 500}
	for {
		list, next, err := a.store.Cases(ctx, store.CaseFilter{ResolvedFrom: from, ResolvedTo: to, Newest: true}, p)
		if err != nil {
			return w, err
		}
		for _, c := range list {
			w.Resolved++
			if a.SLAOf(c).State == sla.Met {
				w.Met++
			}
		}
		if next == "" {
			return w, nil
		}
		p.Cursor = next
	}
}
