package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/store"
)

type settingsPage struct {
	Sessions []store.Session
	Current  string
	Tokens   []store.Token
	NewToken string // a secret just created, shown once
	Scopes   []access.Scope
}

func (s *site) settings(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderSettings(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK, "")
}

func (s *site) renderSettings(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int, newToken string) {
	ctx := r.Context()
	sessions, err := s.app.Sessions(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tokens, err := s.app.Tokens(ctx, actor, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	scopes := []access.Scope{access.ScopeRead, access.ScopeWrite}
	if actor.User.Role == access.Admin {
		scopes = append(scopes, access.ScopeAdmin)
	}
	c, _ := access.CallerFrom(ctx)
	v.Title, v.Nav = "Settings", "settings"
	v.Data = settingsPage{Sessions: sessions, Current: c.SessionID, Tokens: tokens, NewToken: newToken, Scopes: scopes}
	s.render(w, r, status, "settings", v)
}

func (s *site) changePassword(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil {
		c, _ := access.CallerFrom(r.Context())
		err = s.app.ChangePassword(r.Context(), actor, f.Get("current_password"), f.Get("new_password"), c.SessionID)
	}
	if err == nil {
		http.Redirect(w, r, "/settings?notice=password", http.StatusSeeOther)
		return
	}
	errs, _, ok := formErrors(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderSettings(w, r, actor, view{Errors: errs}, http.StatusUnprocessableEntity, "")
}

func (s *site) revokeSession(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil && !confirmed(f) {
		ses, err := s.app.Session(r.Context(), actor, r.PathValue("id"))
		if err == nil && ses.UserID != actor.User.ID {
			err = fault.Forbiddenf("this session is not yours")
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.askToConfirm(w, r, "settings", f, confirmation{
			Question:    "Sign out " + browserName(ses.UserAgent) + " (" + ses.IP + ")?",
			Consequence: "That browser is signed out at once and must sign in again.",
			Cancel:      "/settings#sessions"})
		return
	}
	if err == nil {
		err = s.app.RevokeSession(r.Context(), actor, r.PathValue("id"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings?notice=session", http.StatusSeeOther)
}

func (s *site) createToken(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		s.renderSettings(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity, "")
		return
	}
	in := app.NewToken{Label: f.Get("label"), Scope: f.Get("scope")}
	if d := f.Get("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 1 || n > 3650 {
			s.renderSettings(w, r, actor, view{Errors: map[string]string{"days": "enter a number of days from 1 to 3650, or leave it empty"}, Form: f},
				http.StatusUnprocessableEntity, "")
			return
		}
		in.ExpiresAt = s.app.Now().Add(time.Duration(n) * 24 * time.Hour)
	}
	_, secret, err := s.app.CreateToken(r.Context(), actor, in)
	if err != nil {
		errs, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderSettings(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity, "")
		return
	}
	s.renderSettings(w, r, actor, view{}, http.StatusCreated, secret)
}

func (s *site) revokeToken(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	others := f.Get("user_id") != "" && f.Get("user_id") != actor.User.ID
	if err == nil && !confirmed(f) {
		t, err := s.app.Token(r.Context(), actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c := confirmation{Question: "Revoke your API token “" + t.Label + "”?", Cancel: "/settings#tokens",
			Consequence: "Programs that use it are refused from their next request. A revoked token cannot be used again."}
		nav := "settings"
		if t.UserID != actor.User.ID {
			owner, err := s.app.User(r.Context(), actor, t.UserID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			c.Question, c.Cancel, nav = "Revoke "+owner.Name+"’s API token “"+t.Label+"”?", "/admin/access#user-"+owner.ID, "users"
		}
		s.askToConfirm(w, r, nav, f, c)
		return
	}
	if err == nil {
		err = s.app.RevokeToken(r.Context(), actor, r.PathValue("id"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/settings?notice=token"
	if others {
		back = "/admin/access?notice=token"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

type usersPage struct {
	Users      []access.User
	Roles      []access.Role
	Password   string // a password just set, shown once
	For        string
	LastSignIn map[string]time.Time // by user id; absent: never
}

func (s *site) users(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderUsers(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK, usersPage{})
}

func (s *site) renderUsers(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int, p usersPage) {
	if err := actor.Require(access.ManageUsers, false); err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.app.Users(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p.LastSignIn, err = s.app.LastSignIns(r.Context(), actor); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Users, p.Roles = users, access.Roles
	v.Title, v.Nav, v.Data = "Users", "users", p
	s.render(w, r, status, "users", v)
}

func (s *site) addUser(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	var u access.User
	var pw string
	if err == nil {
		u, pw, err = s.app.AddUser(r.Context(), actor, app.NewUser{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role")})
	}
	if err != nil {
		errs, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.renderUsers(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity, usersPage{})
		return
	}
	s.renderUsers(w, r, actor, view{}, http.StatusCreated, usersPage{Password: pw, For: u.Email})
}

func (s *site) updateUser(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		s.renderUsers(w, r, actor, view{Notice: "error", Errors: map[string]string{"user": bad.Error()}}, http.StatusUnprocessableEntity, usersPage{})
		return
	}
	id := r.PathValue("id")
	var p app.UserPatch
	if role := f.Get("role"); role != "" {
		p.Role = &role
	}
	if a := f.Get("active"); a != "" {
		active := a == "1"
		p.Active = &active
	}
	if p.Active != nil && !*p.Active && !confirmed(f) {
		u, err := s.app.User(r.Context(), actor, id)
		if err == nil {
			err = actor.Require(access.ManageUsers, false)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c := confirmation{Question: "Deactivate " + u.Name + "?",
			Consequence: u.Name + " is signed out at once and their API tokens stop working. You can reactivate them later.",
			Cancel:      "/admin/users"}
		// The accounts they own keep them as owner until reassigned.
		owned, err := s.app.AccountPage(r.Context(), actor, store.AccountFilter{OwnerID: u.ID}, store.Page{Limit: 1})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if n := owned.Total; n > 0 {
			accounts := plural(n, "1 account", thousands(n)+" accounts")
			c.Consequence += " " + u.Name + " owns " + accounts + ", which stay theirs until you reassign them."
			c.Link = &confirmLink{URL: "/accounts?owner=" + url.QueryEscape(u.ID), Text: "Reassign " + u.Name + "'s " + accounts}
		}
		s.askToConfirm(w, r, "users", f, c)
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	if _, err := s.app.UpdateUser(r.Context(), actor, id, p, version); err != nil {
		if e, ok := fault.As(err); ok && (e.Kind == fault.Invalid || e.Kind == fault.Stale) {
			s.renderUsers(w, r, actor, view{Notice: "error", Errors: map[string]string{"user": e.Error()}}, http.StatusUnprocessableEntity, usersPage{})
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/users?notice=updated", http.StatusSeeOther)
}

func (s *site) resetPassword(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	id := r.PathValue("id")
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil && !confirmed(f) {
		u, err := s.app.User(r.Context(), actor, id)
		if err == nil {
			err = actor.Require(access.ManageUsers, false)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.askToConfirm(w, r, "users", f, confirmation{Question: "Reset " + u.Name + "’s password?",
			Consequence: "Tandem makes a new password and shows it to you once, to hand over. " + u.Name + " is signed out at once; the old password stops working.",
			Cancel:      "/admin/users"})
		return
	}
	var pw string
	if err == nil {
		pw, err = s.app.ResetPassword(r.Context(), actor, id, "")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.app.User(r.Context(), actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderUsers(w, r, actor, view{}, http.StatusOK, usersPage{Password: pw, For: u.Email})
}

// auditFilter reads the audit page's filter; dates are days in the
// team's time zone, "to" the whole day.
func (s *site) auditFilter(q url.Values) (store.AuditFilter, map[string]string) {
	f := store.AuditFilter{ActorID: q.Get("actor_id"), AccountID: strings.TrimSpace(q.Get("account_id")),
		AccountName: strings.TrimSpace(q.Get("account")), Kind: strings.TrimSpace(q.Get("kind"))}
	errs := map[string]string{}
	for _, name := range []string{"from", "to"} {
		v := strings.TrimSpace(q.Get(name))
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, s.app.Zone())
		if err != nil {
			errs[name] = "enter a date such as 2026-03-02"
			continue
		}
		if name == "from" {
			f.From = t
		} else {
			f.To = t.AddDate(0, 0, 1) // the whole "to" day
		}
	}
	if len(errs) > 0 {
		errs["form"] = "The dates are not dates Tandem can read: correct what is marked below."
	}
	return f, errs
}

// auditRow is one line of the audit page: the event in words.
type auditRow struct {
	Event   event.Event
	Who     string
	Line    event.Line
	Account string // the account's name; "" when it is gone
}

func (s *site) audit(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	f, errs := s.auditFilter(q)
	status := http.StatusOK
	var evs []event.Event
	next := ""
	if len(errs) == 0 {
		var err error
		evs, next, err = s.app.Audit(r.Context(), actor, f, store.Page{Cursor: q.Get("cursor"), Limit: 100})
		if err != nil {
			fe, _, ok := formErrors(err)
			if !ok {
				s.fail(w, r, err)
				return
			}
			errs = fe
			errs["form"] = "Nothing is shown: correct the filter where it is marked below."
		}
	}
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	users := s.userNames(r, actor)
	var ids []string
	for _, e := range evs {
		if e.AccountID != "" && !slices.Contains(ids, e.AccountID) {
			ids = append(ids, e.AccountID)
		}
	}
	accounts, err := s.app.AccountNames(r.Context(), actor, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows := make([]auditRow, len(evs))
	for i := range evs {
		rows[i] = auditRow{Event: evs[i], Who: event.Actor(&evs[i], users), Line: event.Describe(&evs[i], users), Account: accounts[evs[i].AccountID]}
	}
	nextURL := ""
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		nextURL = "/audit?" + nq.Encode()
	}
	cq := url.Values{}
	for k, v := range q {
		if k != "cursor" {
			cq[k] = v
		}
	}
	s.render(w, r, status, "audit", view{Title: "Audit trail", Nav: "audit", Form: q, Errors: errs, Users: users,
		Data: struct {
			Rows []auditRow
			Next string
			CSV  string
			Zone string
		}{rows, nextURL, "/audit.csv?" + cq.Encode(), s.app.Zone().String()}})
}

func (s *site) auditCSV(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, errs := s.auditFilter(r.URL.Query())
	if len(errs) > 0 {
		s.fail(w, r, fault.New(fault.Invalid, "the dates of the export are not valid"))
		return
	}
	if err := actor.Require(access.ReadAudit, false); err != nil {
		s.fail(w, r, err)
		return
	}
	// The filter is checked before the first byte is sent, so that a wrong
	// one is a page that says so, not a broken download.
	if _, _, err := s.app.Audit(r.Context(), actor, f, store.Page{Limit: 1}); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="tandem-audit.csv"`)
	cw, err := event.NewCSVWriter(w, s.userNames(r, actor))
	if err == nil {
		err = s.app.AuditEach(r.Context(), actor, f, cw.Write)
	}
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		s.log.Error("audit export", "err", err)
	}
}
