package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/competitor"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/httpauth"
	"tandem/internal/order"
	"tandem/internal/promotion"
	"tandem/internal/sla"
	"tandem/internal/store"
	"tandem/internal/text"
)

// caseRow is a case with its SLA, as lists and pages show it.
type caseRow struct {
	cases.Case
	SLA     app.SLA
	Account string
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Words say how a case stands against its SLA: the state and, while a
// clock runs, the deadline it is judged by (one rule: app.SLAOf).
func (r caseRow) Words() string {
	state := event.Human(string(r.SLA.State))
	if r.Status == cases.Resolved || r.Status == cases.Closed {
		if r.SLA.State == sla.Breached {
			return "Breached, " + string(r.Status)
		}
		return state
	}
	at, first := r.NextDeadline()
	switch {
	case at.IsZero():
		return state + ", clock paused"
	case first:
		return state + ": first reply " + due(at)
	}
	return state + ": resolution " + due(at)
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

// queueFilter reads the queue's filters; a date it cannot read is named
// in errs, and the filter leaves that bound open.
func (s *site) queueFilter(q url.Values, actor access.Actor) (store.CaseFilter, map[string]string) {
	statuses, ok := queueViews[q.Get("view")]
	if !ok {
		statuses = queueViews[""]
	}
	shown := q.Get("view")
	f := store.CaseFilter{Category: strings.TrimSpace(q.Get("category")), Statuses: statuses, Newest: shown == "resolved" || shown == "closed",
		Unassigned: q.Get("unassigned") == "1", Unconfirmed: q.Get("unconfirmed") == "1", WithPromiseDue: q.Get("promise_due") == "1"}
	switch st := q.Get("sla"); st {
	case "on_track", "at_risk", "breached":
		f.SLAState = st
	}
	for k, dst := range map[string]*string{"assignee": &f.AssigneeID, "account_id": &f.AccountID} {
		if v := q.Get(k); len(v) <= text.ID && text.Clean(v) {
			*dst = v
		}
	}
	if q.Get("mine") == "1" {
		f.AssigneeID = actor.User.ID
	}
	errs := map[string]string{}
	for k, dst := range map[string]*time.Time{"resolved_from": &f.ResolvedFrom, "resolved_to": &f.ResolvedTo, "closed_from": &f.ClosedFrom} {
		v := strings.TrimSpace(q.Get(k))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(dayLayout, v, s.app.Zone())
		if err != nil {
			errs[k] = "write the day as YYYY-MM-DD, such as 2026-11-30"
			continue
		}
		*dst = t
		f.Newest = true
	}
	if !f.ResolvedFrom.IsZero() && !f.ResolvedTo.IsZero() && !f.ResolvedTo.After(f.ResolvedFrom) {
		errs["resolved_to"] = "the last day comes after the first"
	}
	return f, errs
}

func (s *site) queue(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderQueue(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

type queuePage struct {
	Account, Without string // the account the queue is narrowed to, and the queue without it
	Categories       []store.Category
	Back             string // this view, to come back to after assigning
	Notice           string
	Cases            []caseRow
	Total            int
	Shown            string // the rows of this page, "51–100", when the list has more than one page
	Next             string
	Agents           []access.User
	Empty            string // what the filters asked for, said when nothing matches
}

func (s *site) renderQueue(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	q := r.URL.Query()
	f, errs := s.queueFilter(q, actor)
	ctx := r.Context()
	list, next, err := s.app.Cases(ctx, actor, f, store.Page{Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total, err := s.app.CountCases(ctx, actor, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.app.Categories(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var agents []access.User
	if actor.Can(access.WorkCases, false) {
		if agents, err = s.app.Agents(ctx, actor); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	nextURL := ""
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		nq.Set("at", strconv.Itoa(pageStart(q, total)+len(list)))
		nextURL = "/cases?" + nq.Encode()
	}
	for k, m := range errs {
		if v.Errors == nil {
			v.Errors = map[string]string{}
		}
		v.Errors[k] = m
	}
	if len(errs) > 0 && status == http.StatusOK {
		status = http.StatusUnprocessableEntity
	}
	v.Title, v.Nav, v.Form, v.Users = "Service queue", "cases", q, s.userNames(r, actor)
	notice := ""
	if n, err := strconv.Atoi(strings.TrimPrefix(v.Notice, "assigned-")); err == nil && strings.HasPrefix(v.Notice, "assigned-") {
		notice = fmt.Sprintf("%d %s assigned.", n, plural(n, "case", "cases"))
	}
	bq := url.Values{}
	for k, vals := range q {
		if k != "notice" && k != "cursor" && k != "at" {
			bq[k] = vals
		}
	}
	account, without := "", ""
	if f.AccountID != "" {
		names, err := s.app.AccountNames(ctx, actor, []string{f.AccountID})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		account = names[f.AccountID]
		wq := url.Values{}
		for k, vals := range bq {
			if k != "account_id" {
				wq[k] = vals
			}
		}
		without = queueLinkOf(wq)
	}
	qp := queuePage{Back: queueLinkOf(bq), Notice: notice, Account: account, Without: without, Categories: cats, Cases: s.rows(r, actor, list), Total: total, Next: nextURL, Agents: agents}
	if at := pageStart(q, total); next != "" || at > 0 {
		qp.Shown = shownRange(at, len(list))
	}
	if total == 0 {
		qp.Empty = queueWords(q, f, account, agents)
	}
	v.Data = qp
	s.render(w, r, status, "cases", v)
}

// queueViewNames say what each view of the queue holds.
var queueViewNames = map[string]string{"": "open", "waiting": "waiting on the customer", "resolved": "resolved and awaiting confirmation",
	"closed": "closed", "all": ""}

// queueWords says in words what the queue's filters asked for, for the
// message that nothing matches: "No open cases assigned to you and
// unassigned." and, when two filters rule each other out, which.
func queueWords(q url.Values, f store.CaseFilter, account string, agents []access.User) string {
	view, ok := queueViewNames[q.Get("view")]
	if !ok {
		view = queueViewNames[""]
	}
	what := "cases"
	if view != "" {
		what = view + " cases"
	}
	if f.Category != "" {
		what += " in " + f.Category
	}
	var with []string
	switch f.SLAState {
	case "breached":
		with = append(with, "past the deadline")
	case "at_risk":
		with = append(with, "at risk")
	case "on_track":
		with = append(with, "on track")
	}
	mine := q.Get("mine") == "1"
	switch {
	case mine:
		with = append(with, "assigned to you")
	case f.AssigneeID != "":
		name := "the chosen person"
		for _, u := range agents {
			if u.ID == f.AssigneeID {
				name = u.Name
			}
		}
		with = append(with, "assigned to "+name)
	}
	if f.Unassigned {
		with = append(with, "unassigned")
	}
	if f.Unconfirmed {
		with = append(with, "closed without the customer's confirmation")
	}
	if account != "" {
		with = append(with, "at "+account)
	}
	if f.WithPromiseDue {
		with = append(with, "at accounts with a promise due")
	}
	for _, b := range []struct {
		k, words string
	}{{"resolved_from", "resolved from"}, {"resolved_to", "resolved before"}, {"closed_from", "closed from"}} {
		if v := strings.TrimSpace(q.Get(b.k)); v != "" {
			with = append(with, b.words+" "+v)
		}
	}
	out := "No " + what
	if len(with) > 0 {
		out += " " + strings.Join(with, " and ")
	}
	out += "."
	if f.Unassigned && f.AssigneeID != "" {
		out += " A case assigned to someone is not unassigned: untick one of the two."
	}
	return out
}

// assignCases gives the cases ticked in the queue to one agent.
func (s *site) assignCases(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	back := httpauth.LocalTarget(f.Get("back"), "/cases")
	err := bad
	n := 0
	if err == nil {
		n, err = s.app.AssignCases(r.Context(), actor, f["case_ids"], f.Get("assignee_id"))
	}
	if err != nil {
		errs, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		u, _ := url.Parse(back)
		r.URL.RawQuery = u.RawQuery
		s.renderQueue(w, r, actor, view{Errors: errs}, http.StatusUnprocessableEntity)
		return
	}
	u, _ := url.Parse(back)
	q := u.Query()
	q.Set("notice", "assigned-"+strconv.Itoa(n))
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

func (s *site) newCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if r.URL.Query().Get("account_id") == "" {
		s.pickCaseAccount(w, r, actor, "", http.StatusOK)
		return
	}
	s.renderNewCase(w, r, actor, view{Form: url.Values{"account_id": {r.URL.Query().Get("account_id")}, "priority": {"normal"}}}, http.StatusOK)
}

// pickCaseAccount is the new-case page before an account is chosen: a
// search for the account, whose results each open the form for it.
func (s *site) pickCaseAccount(w http.ResponseWriter, r *http.Request, actor access.Actor, notice string, status int) {
	q := r.URL.Query()
	find := strings.TrimSpace(q.Get("account_q"))
	var accounts []customer.Account
	if find != "" {
		page, err := s.app.AccountPage(r.Context(), actor, store.AccountFilter{Q: find}, store.Page{Limit: 20})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		accounts = page.Accounts
	}
	s.render(w, r, status, "case_pick", view{Title: "New case", Nav: "cases", Form: q, Data: struct {
		Notice   string
		Asked    bool
		Accounts []customer.Account
	}{notice, find != "", accounts}})
}

func (s *site) renderNewCase(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	id := v.Form.Get("account_id")
	if len(id) > text.ID || !text.Clean(id) {
		s.pickCaseAccount(w, r, actor, "There is no such account; find the customer's account below.", http.StatusNotFound)
		return
	}
	acc, err := s.app.Account(r.Context(), actor, id)
	if fault.KindOf(err) == fault.NotFound {
		s.pickCaseAccount(w, r, actor, "There is no such account; find the customer's account below.", http.StatusNotFound)
		return
	}
	if err != nil {
		s.fail(w, r, err)
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
		http.Redirect(w, r, "/cases/"+c.ID+"?notice=opened", http.StatusSeeOther)
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
	Asked         []store.Email // email to the customer: replies and resolutions
	Reach         app.Reach     // where email to the customer goes
	Primary       string        // the next likely action: "comment", "resolved" or "closed"
	Agents        []access.User // who the case can be assigned to; empty when the viewer cannot assign
	Priorities    []string
	Categories    []store.Category
	Said          string                // what the last action did, in words
	Promises      []promiseRow          // promises to this customer overdue or due soon
	Promotions    []promotion.Promotion // running for the account: what the customer may refer to
	Value         order.Value           // what the customer is worth (orders.go)
	Signals       competitor.Signals    // shopping signals of the last 90 days (competitors.go)
}

// caseNotices say what an action did; the page adds whether it was
// emailed.
var caseNotices = map[string]string{
	"moved":    "Case updated.",
	"opened":   "Case opened.",
	"reopened": "Case reopened; the account's owner is told.",
	"resolved": "Case resolved.",
	"replied":  "Reply added.",
	"noted":    "Internal note added.",
	"updated":  "Case details saved.",
	"taken":    "The case is yours now.",
}

// primaryAction is the action a case most likely needs next.
func primaryAction(c cases.Case) string {
	switch {
	case c.Status == cases.Resolved:
		return "closed"
	case c.Status == cases.Open && !c.RespondedAt.IsZero():
		return string(cases.Resolved)
	}
	return "comment"
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
	reach, err := s.app.CustomerReach(ctx, actor, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.app.Categories(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := casePage{caseRow: caseRow{Case: c, SLA: s.app.SLAOf(c), Account: acc.Name}, AccountRecord: acc, Comments: comments,
		OtherCases: s.rows(r, actor, rest), Timeline: items, Asked: asked, Reach: reach, Primary: primaryAction(c),
		Priorities: cases.Priorities, Categories: cats}
	if p.Promises, err = s.promisesDue(r, actor, store.PromiseFilter{AccountID: acc.ID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Value, err = s.app.AccountValue(ctx, actor, acc.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Signals, err = s.shoppingSignals(r, actor, acc.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.Promotions, err = s.app.PromotionsFor(ctx, actor, acc.Tier); err != nil {
		s.fail(w, r, err)
		return
	}
	if actor.Can(access.WorkCases, false) {
		p.Allowed = cases.Allowed(c.Status)
		if p.Agents, err = s.app.Agents(ctx, actor); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if said, ok := caseNotices[v.Notice]; ok {
		p.Said = said
		emailed := ""
		switch {
		case v.Notice == "replied" && reach.Address != "":
			emailed = " Emailed to " + reach.Name + " <" + reach.Address + ">."
		case v.Notice == "replied":
			emailed = " Not emailed: " + reach.Why + "."
		case v.Notice == "resolved" && reach.Address != "":
			emailed = " The solution was emailed to " + reach.Name + " <" + reach.Address + "> to confirm."
		case v.Notice == "resolved":
			emailed = " The customer was not emailed: " + reach.Why + "; ask them to confirm yourself."
		}
		p.Said += emailed
	}
	v.Title, v.Nav, v.Users = "#"+strconv.FormatInt(c.Number, 10)+" "+c.Subject, "cases", s.userNames(r, actor)
	v.Data = p
	s.render(w, r, status, "case", v)
}

// caseForm reads a form posted on the case page; nil when it has been
// answered already (a form that is not text is shown again, refused).
func (s *site) caseForm(w http.ResponseWriter, r *http.Request, actor access.Actor) url.Values {
	f, bad := s.postForm(w, r)
	if f != nil && bad != nil {
		errs, _, _ := formErrors(bad)
		s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return nil
	}
	return f
}

// caseRefused shows the case page again with why an action on it was
// refused: its fields, or that someone changed the case meanwhile.
func (s *site) caseRefused(w http.ResponseWriter, r *http.Request, actor access.Actor, f url.Values, err error) {
	errs, _, ok := formErrors(err)
	if !ok {
		if fault.KindOf(err) != fault.Stale {
			s.fail(w, r, err)
			return
		}
		// Nothing is marked below, so the summary says what happened.
		errs = map[string]string{"form": "Nothing was saved: someone changed this case meanwhile; here it is as it is now."}
	}
	s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
}

// updateCase saves a case's assignee, priority and category, or gives
// the case to the viewer ("take").
func (s *site) updateCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f := s.caseForm(w, r, actor)
	if f == nil {
		return
	}
	var p app.CasePatch
	notice := "updated"
	if f.Get("take") == "1" {
		me := actor.User.ID
		p.AssigneeID, notice = &me, "taken"
	} else {
		for k, dst := range map[string]**string{"assignee_id": &p.AssigneeID, "priority": &p.Priority, "category": &p.Category} {
			if _, ok := f[k]; ok {
				v := f.Get(k)
				*dst = &v
			}
		}
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	if _, err := s.app.UpdateCase(r.Context(), actor, r.PathValue("id"), p, version); err != nil {
		s.caseRefused(w, r, actor, f, err)
		return
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"?notice="+notice, http.StatusSeeOther)
}

func (s *site) transitionCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f := s.caseForm(w, r, actor)
	if f == nil {
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
		s.caseRefused(w, r, actor, f, err)
		return
	}
	notice := "moved"
	switch {
	case t.To == cases.Resolved:
		notice = "resolved"
	case t.To == cases.Open && t.Reason != "":
		notice = "reopened"
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"?notice="+notice, http.StatusSeeOther)
}

func (s *site) commentCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f := s.caseForm(w, r, actor)
	if f == nil {
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
		s.caseRefused(w, r, actor, f, err)
		return
	}
	notice := "replied"
	if f.Get("internal") == "1" {
		notice = "noted"
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"?notice="+notice, http.StatusSeeOther)
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
