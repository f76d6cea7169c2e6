package web

import (
	"net/http"
	"net/url"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/inbox"
	"tandem/internal/store"
)

// homeList is how many cases each list of a home shows.
const homeList = 15

type homePage struct {
	app.Attention
	Cases []caseRow // sales: open cases at their accounts
	Desk  *deskPage // service and managers: their own cases
	Team  *teamPage // managers and admins: the team
	// Promises are the user's own promises and those to their accounts
	// overdue or due within a week, overdue first.
	Promises []promiseRow
	// Deals are a salesperson's open deals by expected close, the
	// slipping ones (past it) first.
	Deals []dealCard
	// Tasks are the user's open tasks by due time, the overdue first.
	Tasks taskSection
}

type deskPage struct {
	Mine, Unassigned           []caseRow
	MineTotal, UnassignedTotal int
	Handed                     []inbox.Notification
}

type teamPage struct {
	app.Team
	Accounts                                    map[string]string // names of the troubled accounts
	ThisWeekLink, LastWeekLink, UnconfirmedLink string
}

// home answers "what do I do next?" for the signed-in user's role.
func (s *site) home(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ctx := r.Context()
	att, err := s.app.Attention(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := homePage{Attention: att, Cases: s.rows(r, actor, att.Cases)}
	if p.Promises, err = s.promisesDue(r, actor, store.PromiseFilter{MineOrOwnedBy: actor.User.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Tasks, err = s.myTasks(r, actor); err != nil {
		s.fail(w, r, err)
		return
	}
	if actor.Can(access.WorkCases, false) && actor.User.Role != access.Admin {
		d, err := s.app.DeskOf(ctx, actor, homeList)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Desk = &deskPage{Mine: s.rows(r, actor, d.Mine.Items), MineTotal: d.Mine.Total,
			Unassigned: s.rows(r, actor, d.Unassigned.Items), UnassignedTotal: d.Unassigned.Total, Handed: d.Handed}
	}
	if actor.Can(access.ReadTeam, false) {
		t, err := s.app.TeamOf(ctx, actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ids := make([]string, len(t.Troubled))
		for i, a := range t.Troubled {
			ids[i] = a.AccountID
		}
		names, err := s.app.AccountNames(ctx, actor, ids)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		p.Team = &teamPage{Team: t, Accounts: names,
			ThisWeekLink:    queueLink("view", "all", "resolved_from", s.day(t.ThisWeek.From), "resolved_to", s.day(t.ThisWeek.To)),
			LastWeekLink:    queueLink("view", "all", "resolved_from", s.day(t.LastWeek.From), "resolved_to", s.day(t.LastWeek.To)),
			UnconfirmedLink: queueLink("view", "closed", "unconfirmed", "1", "closed_from", s.day(t.UnconfirmedSince))}
	}
	if actor.User.Role == access.Sales {
		if p.Deals, err = s.openDeals(r, actor); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "home", view{Title: "Today", Nav: "home", Users: s.userNames(r, actor), Data: p})
}

// dayLayout is how a form writes a day, read in the team's zone.
const dayLayout = "2006-01-02"

// day is the date of t in the team's zone.
func (s *site) day(t time.Time) string { return t.In(s.app.Zone()).Format(dayLayout) }

// queueLink is the address of the service queue filtered by pairs of
// parameter names and values.
func queueLink(pairs ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		q.Set(pairs[i], pairs[i+1])
	}
	return queueLinkOf(q)
}

func queueLinkOf(q url.Values) string {
	if len(q) == 0 {
		return "/cases"
	}
	return "/cases?" + q.Encode()
}
