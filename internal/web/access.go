package web

import (
	"net/http"

	"tandem/internal/access"
	"tandem/internal/app"
)

// accessPage is every user's live sessions and API tokens, for admins.
type accessPage struct {
	Users   []app.UserAccess
	Current string // the admin's own session here
}

func (s *site) accessOverview(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	users, err := s.app.Access(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	c, _ := access.CallerFrom(r.Context())
	s.render(w, r, http.StatusOK, "access", view{Title: "Sessions and tokens", Nav: "users", Notice: r.URL.Query().Get("notice"),
		Data: accessPage{Users: users, Current: c.SessionID}})
}

// revokeAnySession signs out one of anyone's sessions, after the
// confirmation step.
func (s *site) revokeAnySession(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil {
		err = actor.Require(access.ManageUsers, false)
	}
	if err == nil && !confirmed(f) {
		ses, err := s.app.Session(r.Context(), actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		u, err := s.app.User(r.Context(), actor, ses.UserID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.askToConfirm(w, r, "users", f, confirmation{
			Question:    "Sign out " + u.Name + " in " + browserName(ses.UserAgent) + " (" + ses.IP + ")?",
			Consequence: "That browser is signed out at once and must sign in again. " + u.Name + "’s other sessions stay.",
			Cancel:      "/admin/access#user-" + u.ID})
		return
	}
	if err == nil {
		err = s.app.RevokeUserSession(r.Context(), actor, r.PathValue("id"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/access?notice=session", http.StatusSeeOther)
}
