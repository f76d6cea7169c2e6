package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// The promise ledger's manager pages: the list of promises any measure
// links to (GET /promises, with filters), the measures of a period (GET
// /promises/measures) and the grace periods (GET and POST /promises/grace).

// readDay reads a day typed in the team's zone, or zero when none was.
func (s *site) readDay(v, field string, errs map[string]string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(dayLayout, v, s.app.Zone())
	if err != nil {
		errs[field] = "enter a day such as 2026-12-14"
	}
	return t
}

// promisesPage is the list of promises with its filters.
type promisesPage struct {
	List     []promiseRow
	Next     string // the address of the next page, if any
	Filters  []string
	Users    []access.User
	Statuses []promise.Status
}

func (s *site) promiseList(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	errs := map[string]string{}
	f := store.PromiseFilter{MadeByID: strings.TrimSpace(q.Get("made_by")), Team: strings.TrimSpace(q.Get("team")),
		AccountID: strings.TrimSpace(q.Get("account_id")), PromotionID: strings.TrimSpace(q.Get("promotion_id")), Exception: q.Get("exception") == "1"}
	if f.Team != "" && f.Team != "sales" && f.Team != "service" {
		errs["team"] = "choose sales or service"
		f.Team = ""
	}
	f.DueAfter = s.readDay(q.Get("due_from"), "due_from", errs)
	if to := s.readDay(q.Get("due_to"), "due_to", errs); !to.IsZero() {
		f.DueBefore = to.AddDate(0, 0, 1) // through the day typed
	}
	for _, st := range q["status"] {
		if !slices.Contains(promise.Statuses, promise.Status(st)) {
			errs["status"] = "choose open, overdue, kept, broken or cancelled"
			continue
		}
		f.Statuses = append(f.Statuses, promise.Status(st))
	}
	switch q.Get("kept_late") {
	case "":
	case "true", "false":
		late := q.Get("kept_late") == "true"
		f.KeptLate = &late
	default:
		errs["kept_late"] = "choose true or false"
	}
	status := http.StatusOK
	v := view{Title: "Promises", Nav: "accounts", Users: s.userNames(r, actor), Form: q}
	if len(errs) > 0 {
		v.Errors, status = errs, http.StatusUnprocessableEntity
		s.renderPromiseList(w, r, actor, v, nil, "", status)
		return
	}
	list, next, err := s.app.Promises(r.Context(), actor, f, store.Page{Cursor: q.Get("after"), Limit: 100})
	if err != nil {
		if fe, _, ok := formErrors(err); ok {
			v.Errors = fe
			s.renderPromiseList(w, r, actor, v, nil, "", http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, err)
		return
	}
	nextURL := ""
	if next != "" {
		nq := url.Values{}
		for k, vs := range q {
			nq[k] = vs
		}
		nq.Set("after", next)
		nextURL = "/promises?" + nq.Encode()
	}
	s.renderPromiseList(w, r, actor, v, list, nextURL, status)
}

func (s *site) renderPromiseList(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, list []promise.Promise, next string, status int) {
	rows, err := s.promiseRows(r, actor, list)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.app.Users(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := promisesPage{List: rows, Next: next, Users: users, Statuses: promise.Statuses}
	q := v.Form
	if id := q.Get("made_by"); id != "" {
		p.Filters = append(p.Filters, "made by "+v.Users[id])
	}
	if t := q.Get("team"); t != "" {
		p.Filters = append(p.Filters, "made for "+t)
	}
	if st := q["status"]; len(st) > 0 {
		p.Filters = append(p.Filters, strings.Join(st, " or "))
	}
	switch q.Get("kept_late") {
	case "true":
		p.Filters = append(p.Filters, "kept late")
	case "false":
		p.Filters = append(p.Filters, "kept on time")
	}
	if q.Get("exception") == "1" {
		p.Filters = append(p.Filters, "exceptions to a block policy")
	}
	if d := q.Get("due_from"); d != "" {
		p.Filters = append(p.Filters, "due from "+d)
	}
	if d := q.Get("due_to"); d != "" {
		p.Filters = append(p.Filters, "due through "+d)
	}
	if q.Get("account_id") != "" && len(rows) > 0 {
		p.Filters = append(p.Filters, "to "+rows[0].Account)
	}
	v.Data = p
	s.render(w, r, status, "promises", v)
}

// measuresPage is the promise measures of a period, each number with the
// address of the list behind it.
type measuresPage struct {
	From, To   string // the days of the period, inclusive, as typed
	Total      rateRow
	ByPerson   []rateRow
	ByTeam     []rateRow
	ByAccount  []rateRow
	Overdue    []promiseRow
	Broken     []promiseRow
	Exceptions []promiseRow
	Lists      map[string]string // overdue, broken, exceptions: the full lists
	Goodwill   []app.GoodwillTotal
	GoodwillAt string // the goodwill page
	Tables     []rateTableRows
}

// rateTableRows is one table of rates: by team, person or account.
type rateTableRows struct {
	Name, Title, Column string
	Rows                []rateRow
}

// rateRow is a promise-keeping rate with the links of its numbers.
type rateRow struct {
	app.PromiseRate
	Percent                                         string
	DueURL, KeptURL, LateURL, BrokenURL, OverdueURL string
	ExceptionsURL                                   string
}

// defaultMeasureDays is the period the measures page opens on.
const defaultMeasureDays = 30

func (s *site) promiseMeasures(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if err := actor.Require(access.ReadTeam, false); err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	errs := map[string]string{}
	zone := s.app.Zone()
	y, mo, d := s.app.Now().In(zone).Date()
	today := time.Date(y, mo, d, 0, 0, 0, 0, zone)
	from, to := s.readDay(q.Get("from"), "from", errs), s.readDay(q.Get("to"), "to", errs)
	if from.IsZero() {
		from = today.AddDate(0, 0, -defaultMeasureDays)
	}
	if to.IsZero() {
		to = today
	}
	status := http.StatusOK
	if len(errs) == 0 && to.Before(from) {
		errs["to"] = "the period ends on or after the day it starts"
	}
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
		from, to = today.AddDate(0, 0, -defaultMeasureDays), today
	}
	m, err := s.app.PromiseMeasures(r.Context(), actor, from, to.AddDate(0, 0, 1))
	if err != nil {
		if fe, _, ok := formErrors(err); ok {
			errs, status = fe, http.StatusUnprocessableEntity
			m, err = s.app.PromiseMeasures(r.Context(), actor, today.AddDate(0, 0, -defaultMeasureDays), today.AddDate(0, 0, 1))
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p := measuresPage{From: m.From.In(zone).Format(dayLayout), To: m.To.In(zone).AddDate(0, 0, -1).Format(dayLayout)}
	base := url.Values{"due_from": {p.From}, "due_to": {p.To}}
	link := func(key string, extra url.Values) string {
		u := url.Values{}
		for k, vs := range base {
			u[k] = vs
		}
		for k, vs := range extra {
			u[k] = vs
		}
		if key != "" {
			k, val, _ := strings.Cut(key, "=")
			u.Set(k, val)
		}
		return "/promises?" + u.Encode()
	}
	row := func(rt app.PromiseRate, key string) rateRow {
		rr := rateRow{PromiseRate: rt, Percent: fmt.Sprintf("%.0f %%", rt.Rate*100)}
		rr.DueURL = link(key, url.Values{"status": {"open", "overdue", "kept", "broken"}})
		rr.KeptURL = link(key, url.Values{"status": {"kept"}, "kept_late": {"false"}})
		rr.LateURL = link(key, url.Values{"status": {"kept"}, "kept_late": {"true"}})
		rr.BrokenURL = link(key, url.Values{"status": {"broken"}})
		rr.OverdueURL = link(key, url.Values{"status": {"overdue"}})
		rr.ExceptionsURL = link(key, url.Values{"exception": {"1"}})
		return rr
	}
	p.Total = row(m.Total, "")
	for _, rt := range m.ByPerson {
		p.ByPerson = append(p.ByPerson, row(rt, "made_by="+rt.Key))
	}
	for _, rt := range m.ByTeam {
		p.ByTeam = append(p.ByTeam, row(rt, "team="+rt.Key))
	}
	for _, rt := range m.ByAccount {
		p.ByAccount = append(p.ByAccount, row(rt, "account_id="+rt.Key))
	}
	for dst, src := range map[*[]promiseRow][]promise.Promise{&p.Overdue: m.Overdue, &p.Broken: m.Broken, &p.Exceptions: m.Exceptions} {
		if *dst, err = s.promiseRows(r, actor, src); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Tables = []rateTableRows{{"team", "By team", "Team", p.ByTeam}, {"person", "By person", "Person", p.ByPerson}, {"account", "By account", "Account", p.ByAccount}}
	p.Lists = map[string]string{"overdue": p.Total.OverdueURL, "broken": p.Total.BrokenURL, "exceptions": p.Total.ExceptionsURL}
	p.Goodwill = m.Goodwill
	days := int(m.To.Sub(m.From).Hours()/24 + 0.5)
	p.GoodwillAt = "/goodwill?days=" + strconv.Itoa(days) + "#report"
	form := url.Values{"from": {p.From}, "to": {p.To}}
	if len(errs) > 0 {
		form = q
	}
	s.render(w, r, status, "promise_measures", view{Title: "Promise measures", Nav: "home", Users: s.userNames(r, actor), Data: p, Errors: errs, Form: form})
}

// gracePage is the grace period of each kind, in days.
type gracePage struct {
	Kinds   []struct{ Value, Label string }
	Version int64
	CanEdit bool
}

func (s *site) promiseGrace(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderGrace(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderGrace(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	g, err := s.app.PromiseGrace(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Form == nil {
		v.Form = url.Values{}
		for k, d := range g.Days {
			v.Form.Set("grace_"+string(k), strconv.Itoa(d))
		}
		v.Form.Set("version", strconv.FormatInt(g.Version, 10))
	}
	v.Title, v.Nav = "Grace periods of promises", "home"
	v.Data = gracePage{Kinds: promiseKinds, Version: g.Version, CanEdit: actor.Can(access.SetPromiseGrace, false)}
	s.render(w, r, status, "promise_grace", v)
}

func (s *site) savePromiseGrace(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked."
		}
		s.renderGrace(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	days := map[promise.Kind]int{}
	for _, k := range promise.Kinds {
		field := "grace_" + string(k)
		typed := strings.TrimSpace(f.Get(field))
		if typed == "" {
			continue
		}
		n, err := strconv.Atoi(typed)
		if err != nil || n < 0 || n > 365 {
			errs[field] = "a whole number of days from 0 to 365"
			continue
		}
		days[k] = n
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil {
		version = -1
	}
	if _, err := s.app.SavePromiseGrace(r.Context(), actor, days, version); err != nil {
		fe, _, ok := formErrors(err)
		if !ok {
			if fault.KindOf(err) == fault.Stale {
				s.renderGrace(w, r, actor, view{Errors: map[string]string{"form": "Nothing was saved: someone changed the grace periods since you opened this page. Here they are as they are now."}},
					http.StatusConflict)
				return
			}
			s.fail(w, r, err)
			return
		}
		out := map[string]string{}
		for k, m := range fe {
			out["grace_"+k] = m
		}
		again(out)
		return
	}
	http.Redirect(w, r, "/promises/grace?notice=saved", http.StatusSeeOther)
}
