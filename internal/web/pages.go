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
	"tandem/internal/competitor"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/httpauth"
	"tandem/internal/store"
	"tandem/internal/survey"
	"tandem/internal/text"
)

func (s *site) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := browser(r); ok {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", view{Title: "Sign in", Form: url.Values{"next": {r.URL.Query().Get("next")}}})
}

func (s *site) login(w http.ResponseWriter, r *http.Request) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		s.render(w, r, http.StatusUnprocessableEntity, "login", view{Title: "Sign in", Errors: errs, Form: url.Values{"email": {f.Get("email")}, "next": {f.Get("next")}}})
		return
	}
	secret, _, err := s.app.SignIn(r.Context(), r.PostForm.Get("email"), r.PostForm.Get("password"), httpauth.OriginFrom(r.Context()).Client)
	if err != nil {
		v := view{Title: "Sign in", Form: url.Values{"email": {r.PostForm.Get("email")}, "next": {r.PostForm.Get("next")}}}
		switch fault.KindOf(err) {
		case fault.Invalid:
			v.Errors, _, _ = formErrors(err)
			s.render(w, r, http.StatusUnprocessableEntity, "login", v)
			return
		case fault.Unauthorized:
			v.Errors = map[string]string{"password": "That email and password do not match. Check both and try again."}
			s.render(w, r, http.StatusUnauthorized, "login", v)
			return
		case fault.Throttled:
			e, _ := fault.As(err)
			msg := strings.ToUpper(e.Message[:1]) + e.Message[1:] + "."
			if wait, ok := e.Detail.(time.Duration); ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
			}
			v.Errors = map[string]string{"password": msg}
			s.render(w, r, http.StatusTooManyRequests, "login", v)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, httpauth.Cookie(r.Context(), secret))
	http.Redirect(w, r, httpauth.LocalTarget(r.PostForm.Get("next"), "/"), http.StatusSeeOther)
}

func (s *site) logout(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if f, bad := s.postForm(w, r); f == nil || bad != nil {
		if bad != nil {
			s.fail(w, r, bad)
		}
		return
	}
	c, _ := access.CallerFrom(r.Context())
	if c.SessionID != "" {
		if err := s.app.SignOut(r.Context(), actor, c.SessionID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, httpauth.ClearCookie(r.Context()))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// sortColumn is a column heading of the account list that sorts it.
type sortColumn struct {
	Label string
	URL   string // the list sorted by this column (the other way when it already is)
	Sort  string // aria-sort: ascending, descending, or "" when not sorted by it
}

// accountColumns are the sortable columns of the account list, with the
// way each sorts first: names A to Z, the most valuable tiers, the longest
// silences and the most open cases first.
var accountColumns = []struct {
	label, key string
	desc       bool
}{{"Name", store.SortName, false}, {"Tier", store.SortTier, true}, {"Last contact", store.SortLastContact, false}, {"Open cases", store.SortOpenCases, true}}

func (s *site) accounts(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	f := store.AccountFilter{Q: strings.TrimSpace(q.Get("q")), Sort: q.Get("sort")}
	if q.Get("mine") == "1" {
		f.OwnerID = actor.User.ID
	} else if o := q.Get("owner"); o != "" && len(o) <= text.ID && text.Clean(o) {
		f.OwnerID = o // one person's accounts, to reassign them
	}
	switch q.Get("dir") {
	case "", "asc":
	case "desc":
		f.Desc = true
	default:
		s.fail(w, r, (&fault.Fields{{Field: "dir", Message: "sort asc or desc"}}).Err())
		return
	}
	page, err := s.app.AccountPage(r.Context(), actor, f, store.Page{Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Links keep the search, "only mine" and the order.
	link := func(set map[string]string) string {
		nq := url.Values{}
		for _, k := range []string{"q", "mine", "owner", "sort", "dir"} {
			if v := q.Get(k); v != "" {
				nq.Set(k, v)
			}
		}
		for k, v := range set {
			if v == "" {
				nq.Del(k)
			} else {
				nq.Set(k, v)
			}
		}
		if len(nq) == 0 {
			return "/accounts"
		}
		return "/accounts?" + nq.Encode()
	}
	// at is where the page starts in the list, for saying so; links carry it.
	at := pageStart(q, page.Total)
	nextURL, prevURL := "", ""
	if page.Next != "" {
		nextURL = link(map[string]string{"cursor": page.Next, "at": strconv.Itoa(at + len(page.Accounts))})
	}
	if page.Prev != "" {
		prevURL = link(map[string]string{"cursor": page.Prev, "at": strconv.Itoa(max(at-50, 0))})
	}
	var cols []sortColumn
	for _, c := range accountColumns {
		current := f.Sort == c.key || (f.Sort == "" && c.key == store.SortName)
		desc := c.desc
		if current {
			desc = !f.Desc
		}
		dir := "asc"
		if desc {
			dir = "desc"
		}
		col := sortColumn{Label: c.label, URL: link(map[string]string{"sort": c.key, "dir": dir, "cursor": "", "at": ""})}
		if current {
			col.Sort = map[bool]string{false: "ascending", true: "descending"}[f.Desc]
		}
		cols = append(cols, col)
	}
	ids := make([]string, len(page.Accounts))
	for i, a := range page.Accounts {
		ids[i] = a.ID
	}
	activity, err := s.app.AccountActivity(r.Context(), actor, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	count := countText(at, len(page.Accounts), page.Total)
	users := s.userNames(r, actor)
	if f.OwnerID != "" && q.Get("mine") != "1" {
		count += " owned by " + users[f.OwnerID]
	}
	s.render(w, r, http.StatusOK, "accounts", view{Title: "Accounts", Nav: "accounts", Form: q, Users: users,
		Data: struct {
			Accounts []customer.Account
			Activity map[string]store.Activity
			Columns  []sortColumn
			Count    string // "Showing 51–100 of 1,234 accounts"
			Next     string
			Prev     string
		}{page.Accounts, activity, cols, count, nextURL, prevURL}})
}

// countText says which of how many accounts a page shows: the rows from
// at+1 on.
func countText(at, shown, total int) string {
	switch {
	case total == 0:
		return "No accounts"
	case total == 1:
		return "1 account"
	case shown == total:
		return thousands(total) + " accounts"
	}
	return "Showing " + shownRange(at, shown) + " of " + thousands(total) + " accounts"
}

// shownRange is the rows a page shows, counted from 1: "51–100".
func shownRange(at, shown int) string {
	if shown == 0 {
		return "none"
	}
	return thousands(at+1) + "–" + thousands(at+shown)
}

// pageStart reads where a page starts in its list (the at= its links
// carry), within [0, total); anything else is the start.
func pageStart(q url.Values, total int) int {
	at, err := strconv.Atoi(q.Get("at"))
	if err != nil || at < 0 || at >= total {
		return 0
	}
	return at
}

// thousands writes n with a comma between each three digits: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

type accountPage struct {
	Account  customer.Account
	Contacts []customer.Contact
	Cases    []caseRow // unfinished, next deadline first
	Timeline []event.Item
	Team     string
	Next     string
	Channels []string
	Now      string
	CanEdit  bool
	Editable map[string]bool // the interactions on the page the person may correct
	// ContactNames names, by id, the contacts the timeline's interactions were with.
	ContactNames map[string]string
	Promises     accountPromises    // the account's promises still to be kept, and the form to make one
	Goodwill     accountGoodwill    // goodwill and the promotions running (goodwill.go)
	Orders       accountOrders      // the account's value and last orders (orders.go)
	Tasks        accountTasks       // the account's open tasks and the form to add one (tasks.go)
	Signals      competitor.Signals // shopping signals of the last 90 days (competitors.go)
	Wallet       accountWallet      // the estimated spend in our category (competitors.go)
	Scores       *accountScores     // survey scores and the last answers (scores.go)
	FollowUps    []app.FollowUpLine // the last follow-ups, the newest first
}

func (s *site) account(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	// ?contact_id= chooses whom the interaction form is with (from a contact's page).
	s.renderAccount(w, r, actor, view{Notice: q.Get("notice"), Form: url.Values{"contact_id": {q.Get("contact_id")}}}, http.StatusOK)
}

func (s *site) renderAccount(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx, id := r.Context(), r.PathValue("id")
	acc, err := s.app.Account(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	contacts, _, err := s.app.Contacts(ctx, actor, id, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	open, _, err := s.app.Cases(ctx, actor, store.CaseFilter{AccountID: id, Statuses: cases.Unfinished}, store.Page{Limit: 20})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	team := q.Get("team")
	if team != customer.TeamSales && team != customer.TeamService {
		team = ""
	}
	items, next, err := s.app.Timeline(ctx, actor, id, event.Filter{Team: team}, store.Page{Cursor: q.Get("cursor"), Limit: 50})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	nextURL := ""
	if next != "" {
		nq := url.Values{"cursor": {next}}
		if team != "" {
			nq.Set("team", team)
		}
		nextURL = "/accounts/" + id + "?" + nq.Encode() + "#timeline"
	}
	v.Title, v.Nav, v.Users = acc.Name, "accounts", s.userNames(r, actor)
	editable := map[string]bool{}
	var with []string // the contacts the interactions on the page were with
	for _, it := range items {
		if it.Interaction != nil && actor.Can(access.EditInteraction, it.Interaction.UserID == actor.User.ID) {
			editable[it.ID] = true
		}
		if it.Interaction != nil && it.Interaction.ContactID != "" {
			with = append(with, it.Interaction.ContactID)
		}
	}
	names, err := s.app.ContactNames(ctx, actor, with)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	promises, err := s.pendingPromises(r, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	gw, err := s.goodwillOf(r, actor, acc, open)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	orders, err := s.ordersOf(r, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tasks, err := s.accountTasksOf(r, actor, id, acc.OwnerID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scores, err := s.accountScoresOf(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	signals, err := s.shoppingSignals(r, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	wallet, err := s.walletOf(r, actor, id, acc.OwnerID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	followUps, err := s.app.AccountFollowUps(ctx, actor, id, 5)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Data = accountPage{FollowUps: followUps, Tasks: tasks, Scores: scores, Signals: signals, Wallet: wallet, Orders: orders, Account: acc, Contacts: contacts, Cases: s.rows(r, actor, open), Timeline: items, Team: team, Next: nextURL, Channels: customer.Channels,
		Now: time.Now().In(s.app.Zone()).Format(localMinute), CanEdit: actor.Can(access.EditAccount, acc.OwnerID == actor.User.ID), Editable: editable, ContactNames: names,
		Promises: accountPromises{List: promises, Kinds: promiseKinds, Currencies: currencyCodes, CanMake: actor.Can(access.MakePromises, false),
			CanExcept: actor.Can(access.ExceptPolicies, false)},
		Goodwill: gw}
	s.render(w, r, status, "account", v)
}

func (s *site) logInteraction(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	in := customer.Interaction{AccountID: r.PathValue("id"), ContactID: f.Get("contact_id"), Channel: f.Get("channel"), Direction: f.Get("direction"),
		Kind: f.Get("kind"), Competitor: f.Get("competitor"), Summary: f.Get("summary"), Body: f.Get("body"), Outcome: f.Get("outcome"), Team: f.Get("team")}
	errs := map[string]string{}
	if v := f.Get("occurred_at"); v != "" {
		t, err := time.ParseInLocation(localMinute, v, s.app.Zone())
		if err != nil {
			errs["occurred_at"] = "enter a date and time such as 2026-03-02 14:30"
		}
		in.OccurredAt = t
	}
	if len(errs) == 0 {
		_, err := s.app.LogInteraction(r.Context(), actor, in)
		if err == nil {
			http.Redirect(w, r, "/accounts/"+in.AccountID+"?notice=logged#timeline", http.StatusSeeOther)
			return
		}
		var ok bool
		if errs, _, ok = formErrors(err); !ok {
			s.fail(w, r, err)
			return
		}
	}
	s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
}

// accountForm is what the account form needs besides the typed values:
// the account being edited, and whom it may be given to (none when the
// person may not choose its owner).
type accountForm struct {
	Edit    bool
	Account customer.Account
	Owners  []access.User
}

func (s *site) newAccount(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.render(w, r, http.StatusOK, "account_form", view{Title: "New account", Nav: "accounts", Form: url.Values{"kind": {customer.Organization}}, Data: accountForm{}})
}

func (s *site) createAccount(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	var acc customer.Account
	if err == nil {
		acc, err = s.app.CreateAccount(r.Context(), actor, customer.Account{Name: f.Get("name"), Kind: f.Get("kind"), Tier: f.Get("tier"),
			Domain: f.Get("domain"), Phone: f.Get("phone"), ExternalID: f.Get("external_id")}, f.Get("allow_duplicate") == "1")
	}
	if err == nil {
		http.Redirect(w, r, "/accounts/"+acc.ID, http.StatusSeeOther)
		return
	}
	errs, cands, ok := formErrors(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	status := http.StatusUnprocessableEntity
	if len(cands) > 0 {
		status = http.StatusConflict
	}
	s.render(w, r, status, "account_form", view{Title: "New account", Nav: "accounts", Form: f, Errors: errs, Candidates: cands, CandidatePath: "/accounts/", Data: accountForm{}})
}

func (s *site) createContact(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad) // named as the form names its fields
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	id := r.PathValue("id")
	_, err := s.app.CreateContact(r.Context(), actor, customer.Contact{AccountID: id, Name: f.Get("contact_name"), Email: f.Get("contact_email"),
		Phone: f.Get("contact_phone"), Title: f.Get("contact_title")}, f.Get("allow_duplicate") == "1")
	if err == nil {
		http.Redirect(w, r, "/accounts/"+id+"?notice=contact#contacts", http.StatusSeeOther)
		return
	}
	errs, cands, ok := formErrors(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	// The contact form names its fields contact_*.
	prefixed := map[string]string{}
	for k, v := range errs {
		prefixed["contact_"+k] = v
	}
	status := http.StatusUnprocessableEntity
	if len(cands) > 0 {
		status = http.StatusConflict
	}
	s.renderAccount(w, r, actor, view{Errors: prefixed, Form: f, Candidates: cands, CandidatePath: "/contacts/"}, status)
}

func (s *site) contact(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ctx := r.Context()
	c, err := s.app.Contact(ctx, actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acc, err := s.app.Account(ctx, actor, c.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, _, err := s.app.Interactions(ctx, actor, store.InteractionFilter{ContactID: c.ID}, store.Page{Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// A survey just sent from this page: its link, to paste into a chat.
	var sent *survey.Invitation
	if id := r.URL.Query().Get("survey"); id != "" {
		if inv, err := s.app.SurveyLink(ctx, actor, id); err == nil && inv.ContactID == c.ID {
			// Without email set up the link is relative; pasted into a
			// chat it must be whole, so it gets the address this page
			// was reached at.
			if strings.HasPrefix(inv.URL, "/") {
				scheme := "http://"
				if httpauth.OriginFrom(ctx).Secure {
					scheme = "https://"
				}
				inv.URL = scheme + r.Host + inv.URL
			}
			sent = &inv
		}
	}
	recent := ""
	if sent == nil {
		if recent, err = s.app.SurveyFatigue(ctx, actor, c.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "contact", view{Title: c.Name, Nav: "accounts", Users: s.userNames(r, actor), Notice: r.URL.Query().Get("notice"),
		Data: struct {
			Contact      customer.Contact
			Account      customer.Account
			Interactions []customer.Interaction
			CanEdit      bool
			Sent         *survey.Invitation
			CanSend      bool
			Recent       string // the contact was sent a survey within the fatigue limit
		}{c, acc, list, actor.Can(access.EditContacts, false), sent, actor.Can(access.SendSurveys, false), recent}})
}

// search is the page of the header's search box: accounts, contacts and
// the case whose number was typed.
func (s *site) search(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	found, err := s.app.Search(r.Context(), actor, q.Get("q"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var kase []caseRow
	if found.Case != nil {
		kase = s.rows(r, actor, []cases.Case{*found.Case})
	}
	s.render(w, r, http.StatusOK, "search", view{Title: "Search", Nav: "search", Form: q,
		Data: struct {
			app.Found
			Cases []caseRow // the case whose number was typed
			More  string    // the account list with the same search
		}{found, kase, "/accounts?" + url.Values{"q": {found.Query}}.Encode()}})
}

// notFound answers an address that names no page, in the site's layout
// with a way back, signed in or not.
func (s *site) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "notfound", view{Title: "Page not found"})
}
