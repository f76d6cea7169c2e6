package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/httpauth"
	"tandem/internal/store"
	"tandem/internal/text"
)

// caseRow is a case with its SLA, as lists and pages show it.
type caseRow struct {
	cases.Case
	SLA     app.SLA
	Account string
}

func (s *site) rows(r *http.Request, actor access.Actor, list []cases.Case) []caseRow {
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.AccountID
	}
	names, err := s.app.AccountNames(r.Context(), actor, ids)
	if err != nil {
		s.log.Warn("account names", "err", err)
	}
	out := make([]caseRow, len(list))
	for i, c := range list {
		out[i] = caseRow{Case: c, SLA: s.app.SLAOf(c), Account: names[c.AccountID]}
	}
	return out
}

var queueViews = map[string][]cases.Status{
	"":         cases.Unfinished,
	"waiting":  {cases.PendingCustomer},
	"resolved": {cases.Resolved},
	"closed":   {cases.Closed},
	"all":      nil,
}

func (s *site) queue(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	statuses, ok := queueViews[q.Get("view")]
	if !ok {
		statuses = queueViews[""]
	}
	shown := q.Get("view")
	f := store.CaseFilter{Category: strings.TrimSpace(q.Get("category")), Statuses: statuses, Newest: shown == "resolved" || shown == "closed"}
	switch st := q.Get("sla"); st {
	case "on_track", "at_risk", "breached":
		f.SLAState = st
	}
	if q.Get("mine") == "1" {
		f.AssigneeID = actor.User.ID
	}
	list, next, err := s.app.Cases(r.Context(), actor, f, store.Page{Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nextURL := ""
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		nextURL = "/cases?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "cases", view{Title: "Service queue", Nav: "cases", Form: q, Users: s.userNames(r, actor),
		Data: struct {
			Cases []caseRow
			Next  string
		}{s.rows(r, actor, list), nextURL}})
}

func (s *site) newCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderNewCase(w, r, actor, view{Form: url.Values{"account_id": {r.URL.Query().Get("account_id")}, "priority": {"normal"}}}, http.StatusOK)
}

func (s *site) renderNewCase(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	id := v.Form.Get("account_id")
	if len(id) > text.ID || !text.Clean(id) {
		s.fail(w, r, fault.NotFoundf("open a case from the account's page"))
		return
	}
	acc, err := s.app.Account(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, fault.NotFoundf("open a case from the account's page"))
		return
	}
	contacts, _, err := s.app.Contacts(r.Context(), actor, acc.ID, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.app.Categories(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Title, v.Nav = "New case", "cases"
	v.Data = struct {
		Account    customer.Account
		Contacts   []customer.Contact
		Priorities []string
		Categories []store.Category
	}{acc, contacts, cases.Priorities, cats}
	s.render(w, r, status, "case_new", v)
}

func (s *site) openCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if id := f.Get("contact_id"); err == nil && id != "" {
		// The form offers the account's contacts; anything else is refused
		// here, as the app does not check the contact of a new case.
		if ct, cerr := s.app.Contact(r.Context(), actor, id); cerr != nil || ct.AccountID != f.Get("account_id") {
			err = (&fault.Fields{{Field: "contact_id", Message: "choose one of the account's contacts"}}).Err()
		}
	}
	var c cases.Case
	if err == nil {
		c, err = s.app.OpenCase(r.Context(), actor, cases.Case{AccountID: f.Get("account_id"), ContactID: f.Get("contact_id"), Subject: f.Get("subject"),
			Description: f.Get("description"), Category: f.Get("category"), Priority: f.Get("priority"), Channel: f.Get("channel")})
	}
	if err == nil {
		http.Redirect(w, r, "/cases/"+c.ID, http.StatusSeeOther)
		return
	}
	errs, _, ok := formErrors(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderNewCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
}

type casePage struct {
	caseRow
	AccountRecord customer.Account
	Comments      []store.Comment
	Allowed       []cases.Status
	OtherCases    []caseRow
	Timeline      []event.Item
	Asked         []store.Email // resolution emails to the customer
}

func (s *site) showCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderCase(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderCase(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	c, err := s.app.Case(ctx, actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acc, err := s.app.Account(ctx, actor, c.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	comments, err := s.app.Comments(ctx, actor, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	others, _, err := s.app.Cases(ctx, actor, store.CaseFilter{AccountID: acc.ID, Statuses: cases.Unfinished}, store.Page{Limit: 10})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rest []cases.Case
	for _, o := range others {
		if o.ID != c.ID {
			rest = append(rest, o)
		}
	}
	items, _, err := s.app.Timeline(ctx, actor, acc.ID, event.Filter{}, store.Page{Limit: 10})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	emails, err := s.app.Emails(ctx, actor, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var asked []store.Email
	for _, e := range emails {
		if e.ToAddress != "" {
			asked = append(asked, e)
		}
	}
	var allowed []cases.Status
	if actor.Can(access.WorkCases, false) {
		allowed = cases.Allowed(c.Status)
	}
	v.Title, v.Nav, v.Users = "#"+strconv.FormatInt(c.Number, 10)+" "+c.Subject, "cases", s.userNames(r, actor)
	v.Data = casePage{caseRow: caseRow{Case: c, SLA: s.app.SLAOf(c), Account: acc.Name}, AccountRecord: acc, Comments: comments,
		Allowed: allowed, OtherCases: s.rows(r, actor, rest), Timeline: items, Asked: asked}
	s.render(w, r, status, "case", v)
}

func (s *site) transitionCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	t := cases.Transition{To: cases.Status(f.Get("to")), Solution: f.Get("solution"), Reason: f.Get("reason")}
	switch f.Get("confirmed") {
	case "yes":
		yes := true
		t.Confirmed = &yes
	case "no":
		no := false
		t.Confirmed = &no
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	if _, err := s.app.TransitionCase(r.Context(), actor, r.PathValue("id"), t, version); err != nil {
		errs, _, ok := formErrors(err)
		if !ok {
			if fault.KindOf(err) == fault.Stale {
				errs = map[string]string{"to": "someone changed this case meanwhile; here it is as it is now"}
			} else {
				s.fail(w, r, err)
				return
			}
		}
		s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"?notice=moved", http.StatusSeeOther)
}

func (s *site) commentCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	minutes := 0
	if m := strings.TrimSpace(f.Get("minutes")); m != "" {
		var err error
		if minutes, err = strconv.Atoi(m); err != nil {
			s.renderCase(w, r, actor, view{Errors: map[string]string{"minutes": "enter whole minutes, such as 15"}, Form: f}, http.StatusUnprocessableEntity)
			return
		}
	}
	if _, err := s.app.CommentCase(r.Context(), actor, r.PathValue("id"), f.Get("body"), f.Get("internal") == "1", minutes); err != nil {
		errs, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"?notice=commented#comments", http.StatusSeeOther)
}

func (s *site) inbox(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	list, next, err := s.app.Notifications(r.Context(), actor, store.NotificationFilter{}, store.Page{Cursor: r.URL.Query().Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nextURL := ""
	if next != "" {
		nextURL = "/inbox?cursor=" + url.QueryEscape(next)
	}
	s.render(w, r, http.StatusOK, "inbox", view{Title: "Inbox", Nav: "inbox", Data: struct {
		Items any
		Next  string
		Shown string // "mark all read" reads what had arrived by then
	}{list, nextURL, s.app.Now().UTC().Format(time.RFC3339Nano)}})
}

func (s *site) readNotification(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil {
		err = s.app.MarkRead(r.Context(), actor, r.PathValue("id"))
	}
	if err != nil && fault.KindOf(err) != fault.NotFound {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, httpauth.LocalTarget(f.Get("to"), "/inbox"), http.StatusSeeOther)
}

func (s *site) readAll(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		s.fail(w, r, bad)
		return
	}
	var upTo time.Time
	if v := f.Get("up_to"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			s.fail(w, r, fault.New(fault.Invalid, "up_to is not a time: %q", v))
			return
		}
		upTo = t
	}
	if err := s.app.MarkAllRead(r.Context(), actor, upTo); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}
