package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/httpauth"
	"tandem/internal/survey"
)

// surveyView is what the customer's survey page shows.
type surveyView struct {
	Survey    app.PublicSurvey
	Thanks    bool
	Outcome   string
	OwnerName string
	// Broken is a link Tandem did not sign, or one cut short in copying.
	Broken bool
}

// brokenSurveyLink answers a survey link that is not one of ours: the
// customer reads what to do, not the signed-in 404 with its link home.
func (s *site) brokenSurveyLink(w http.ResponseWriter, r *http.Request, err error) {
	if fault.KindOf(err) != fault.NotFound {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusNotFound, "survey", view{Title: "This survey link does not work", Data: surveyView{Broken: true}})
}

// surveyPage is where a customer answers a survey from their link.
// Opening it changes nothing (mail scanners open links); sending does. A
// link Tandem did not sign is a plain 404; an answered or expired one
// says so and names who to contact.
func (s *site) surveyPage(w http.ResponseWriter, r *http.Request) {
	ps, err := s.app.SurveyFor(r.Context(), r.PathValue("token"))
	if err != nil {
		s.brokenSurveyLink(w, r, err)
		return
	}
	status := http.StatusOK
	if ps.State != "open" {
		status = http.StatusGone
	}
	s.render(w, r, status, "survey", view{Title: ps.Template.Name, Data: surveyView{Survey: ps}})
}

// answersOf is a posted survey form as answers by question key.
func answersOf(f url.Values) map[string]string {
	out := map[string]string{}
	for k, vs := range f {
		if len(vs) > 0 {
			out[k] = vs[len(vs)-1]
		}
	}
	return out
}

// surveyErrors turns bad answers into the page's messages: each beside
// its question, and the summary at the top naming how many.
func surveyErrors(err error) (map[string]string, bool) {
	fe, _, ok := formErrors(err)
	if !ok || len(fe) == 0 {
		return nil, false
	}
	if fe["form"] == "" {
		fe["form"] = "Nothing was sent yet: some answers need another look. They are marked below; your other answers are kept."
		if len(fe) == 2 {
			fe["form"] = "Nothing was sent yet: one answer needs another look. It is marked below; your other answers are kept."
		}
	}
	return fe, true
}

func (s *site) answerSurveyPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if wait := s.surveyLimit.take(httpauth.OriginFrom(r.Context()).Client.IP, token, time.Now()); wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.render(w, r, http.StatusTooManyRequests, "error", view{Title: http.StatusText(http.StatusTooManyRequests),
			Data: "Nothing was saved: too many tries from here. Wait a few minutes and send your answers again."})
		return
	}
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	var resp survey.Response
	if err == nil {
		resp, err = s.app.AnswerSurvey(r.Context(), access.Actor{}, app.AnswerInput{Token: token, Answers: answersOf(f)})
	}
	ps, perr := s.app.SurveyFor(r.Context(), token)
	if perr != nil {
		s.brokenSurveyLink(w, r, perr)
		return
	}
	switch {
	case err == nil:
		s.render(w, r, http.StatusOK, "survey", view{Title: "Thank you", Data: surveyView{Survey: ps, Thanks: true, Outcome: resp.Outcome, OwnerName: ps.OwnerName}})
	case fault.KindOf(err) == fault.Conflict:
		s.render(w, r, http.StatusGone, "survey", view{Title: ps.Template.Name, Data: surveyView{Survey: ps}})
	default:
		if fe, ok := surveyErrors(err); ok {
			s.render(w, r, http.StatusUnprocessableEntity, "survey", view{Title: ps.Template.Name, Data: surveyView{Survey: ps}, Form: f, Errors: fe})
			return
		}
		s.fail(w, r, err)
	}
}

// followUpPage shows a follow-up and, until it is answered, the form in
// which its owner records what the customer said on the phone.
func (s *site) followUpPage(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ff, err := s.app.FollowUpFormFor(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "followup", view{Title: "Follow-up: " + ff.AccountName, Nav: "home", Data: ff})
}

func (s *site) recordFollowUpAnswers(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	id := r.PathValue("id")
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil {
		_, err = s.app.AnswerSurvey(r.Context(), actor, app.AnswerInput{FollowUpID: id, Answers: answersOf(f)})
	}
	if err == nil {
		http.Redirect(w, r, "/follow-ups/"+id, http.StatusSeeOther)
		return
	}
	if fe, ok := surveyErrors(err); ok {
		ff, ferr := s.app.FollowUpFormFor(r.Context(), actor, id)
		if ferr != nil {
			s.fail(w, r, ferr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "followup", view{Title: "Follow-up: " + ff.AccountName, Nav: "home", Data: ff, Form: f, Errors: fe})
		return
	}
	s.fail(w, r, err)
}

// surveyLimit bounds what anonymous visitors may post to survey links:
// per address and per link, a number of posts in a window. A good link
// is used once, so a visitor who needs more is guessing or scripting.
func newSurveyLimit() *postLimit {
	return &postLimit{perIP: 300, perToken: 60, window: 10 * time.Minute, seen: map[string]*window{}}
}

type window struct {
	start time.Time
	n     int
}

type postLimit struct {
	mu              sync.Mutex
	perIP, perToken int
	window          time.Duration
	seen            map[string]*window
}

// take counts one post from ip to token, returning how long to wait when
// either is over its limit.
func (l *postLimit) take(ip, token string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 100000 { // forget everything rather than grow without bound
		l.seen = map[string]*window{}
	}
	if len(token) > 200 {
		token = token[:200]
	}
	var wait time.Duration
	for _, k := range []struct {
		key   string
		limit int
	}{{"ip:" + ip, l.perIP}, {"token:" + token, l.perToken}} {
		w := l.seen[k.key]
		if w == nil || now.Sub(w.start) >= l.window {
			w = &window{start: now}
			l.seen[k.key] = w
		}
		w.n++
		if w.n > k.limit {
			wait = max(wait, w.start.Add(l.window).Sub(now))
		}
	}
	return wait
}

// surveysPage is the surveys' page: the templates and their questions,
// and the follow-up settings, which managers change.
type surveysPage struct {
	Templates []survey.Template
	Settings  survey.Settings
	Version   int64
	CanEdit   bool
}

func (s *site) surveys(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderSurveys(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderSurveys(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ts, err := s.app.SurveyTemplates(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, version, err := s.app.SurveySettings(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Form == nil {
		v.Form = url.Values{"expiry_days": {strconv.Itoa(st.ExpiryDays)}, "fatigue_days": {strconv.Itoa(st.FatigueDays)}}
		for _, name := range survey.Triggers[1:] {
			t, _ := st.Trigger(name)
			if t.On {
				v.Form.Set(name+".on", "1")
			}
			v.Form.Set(name+".delay_hours", strconv.Itoa(t.DelayHours))
			v.Form.Set(name+".template_id", t.TemplateID)
		}
	}
	v.Title, v.Nav = "Surveys", "surveys"
	v.Data = surveysPage{Templates: ts, Settings: st, Version: version, CanEdit: actor.Can(access.EditSurveys, false)}
	s.render(w, r, status, "surveys", v)
}

// saveSurveySettings saves how long links work, the fatigue limit and each
// trigger's switch, delay and template (managers).
func (s *site) saveSurveySettings(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil {
		st := survey.Settings{}
		var fields fault.Fields
		num := func(name string) int {
			n, perr := strconv.Atoi(strings.TrimSpace(f.Get(name)))
			if perr != nil {
				fields.Add(name, "give a whole number")
			}
			return n
		}
		st.ExpiryDays, st.FatigueDays = num("expiry_days"), num("fatigue_days")
		for _, name := range survey.Triggers[1:] {
			st.Triggers = append(st.Triggers, survey.TriggerSetting{Trigger: name, On: f.Get(name+".on") != "", DelayHours: num(name + ".delay_hours"),
				TemplateID: f.Get(name + ".template_id")})
		}
		err = fields.Err()
		if err == nil {
			_, _, err = s.app.SaveSurveySettings(r.Context(), actor, st, -1)
		}
		if fe, ok := fault.As(err); ok && fe.Kind == fault.Invalid {
			// The app names triggers[i].field; the form names <trigger>.field.
			for i := range fe.Fields {
				for k, name := range survey.Triggers[1:] {
					fe.Fields[i].Field = strings.Replace(fe.Fields[i].Field, "triggers["+strconv.Itoa(k)+"]", name, 1)
				}
			}
		}
	}
	if err != nil {
		if fe, _, ok := formErrors(err); ok {
			if fe["form"] == "" {
				fe["form"] = "Nothing was saved: correct what is marked below."
			}
			s.renderSurveys(w, r, actor, view{Form: f, Errors: fe}, http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/surveys?notice="+url.QueryEscape("Saved: follow-ups now use these settings."), http.StatusSeeOther)
}

// sendSurvey sends a contact the follow-up survey (or another template)
// and shows its link to paste into a chat.
func (s *site) sendSurvey(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	var inv survey.Invitation
	if err == nil {
		tpl := f.Get("template_id")
		if tpl == "" {
			tpl = survey.FollowUpID
		}
		inv, err = s.app.SendSurvey(r.Context(), actor, tpl, id, "", "")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/contacts/"+id+"?survey="+url.QueryEscape(inv.ID), http.StatusSeeOther)
}
