package web

import (
	"net/http"
	"net/url"
	"time"

	"tandem/internal/fault"
	"tandem/internal/httpauth"
)

// resolutionPage is where a customer, from the link in the resolution
// email, says whether the solution resolved their situation. Opening the
// link changes nothing (mail scanners open links); the buttons do.
// Like survey links, opening a link Tandem did not make counts against
// the visitor's address, and every post counts against the address and
// the link (linkLimit).
func (s *site) resolutionPage(w http.ResponseWriter, r *http.Request) {
	ip, token, now := httpauth.OriginFrom(r.Context()).Client.IP, r.PathValue("token"), time.Now()
	if wait := s.linkLimit.held(ip, now); wait > 0 {
		s.tooManyTries(w, r, wait)
		return
	}
	res, err := s.app.ResolutionFor(r.Context(), token)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			s.linkLimit.take(ip, token, now)
		}
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "resolution", view{Title: "Is it resolved?", Data: res})
}

func (s *site) answerResolution(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if wait := s.linkLimit.take(httpauth.OriginFrom(r.Context()).Client.IP, token, time.Now()); wait > 0 {
		s.tooManyTries(w, r, wait)
		return
	}
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	answer := f.Get("answer")
	if bad != nil {
		res, err := s.app.ResolutionFor(r.Context(), token)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fe, _, _ := formErrors(bad)
		s.render(w, r, http.StatusUnprocessableEntity, "resolution", view{Title: "Is it resolved?", Data: res, Form: f, Errors: fe})
		return
	}
	if answer != "yes" && answer != "no" {
		res, err := s.app.ResolutionFor(r.Context(), token)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "resolution", view{Title: "Is it resolved?", Data: res, Form: f,
			Errors: map[string]string{"answer": "choose one of the two buttons"}})
		return
	}
	res, err := s.app.AnswerResolution(r.Context(), token, answer == "yes", f.Get("note"))
	if err != nil {
		if fe, _, ok := formErrors(err); ok {
			res, _ = s.app.ResolutionFor(r.Context(), token)
			s.render(w, r, http.StatusUnprocessableEntity, "resolution", view{Title: "Is it resolved?", Data: res, Form: f, Errors: fe})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "resolution", view{Title: "Thank you", Data: res, Form: url.Values{"answered": {answer}}})
}
