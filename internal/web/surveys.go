package web

import (
	"maps"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
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
//
// Opening a link is not limited, but a link Tandem did not sign counts
// against the visitor's address as a post does: else a guesser would
// simply guess by opening links, which tell a good one from a bad one as
// well as a post does.
func (s *site) surveyPage(w http.ResponseWriter, r *http.Request) {
	ip, token, now := httpauth.OriginFrom(r.Context()).Client.IP, r.PathValue("token"), time.Now()
	if wait := s.linkLimit.held(ip, now); wait > 0 {
		s.tooManyTries(w, r, wait)
		return
	}
	ps, err := s.app.SurveyFor(r.Context(), token)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			s.linkLimit.take(ip, token, now)
		}
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
		fe["form"] = "Nothing was saved yet: some answers need another look. They are marked below; your other answers are kept."
		if len(fe) == 2 {
			fe["form"] = "Nothing was saved yet: one answer needs another look. It is marked below; your other answers are kept."
		}
	}
	return fe, true
}

func (s *site) answerSurveyPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if wait := s.linkLimit.take(httpauth.OriginFrom(r.Context()).Client.IP, token, time.Now()); wait > 0 {
		s.tooManyTries(w, r, wait)
		return
	}
	// The app checks the answers whole, the rules of text included, so
	// that every message is beside its question at once: a comment too
	// long does not hide a question left out.
	f, _ := s.postForm(w, r)
	if f == nil {
		return
	}
	resp, err := s.app.AnswerSurvey(r.Context(), access.Actor{}, app.AnswerInput{Token: token, Answers: answersOf(f)})
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
	f, _ := s.postForm(w, r) // checked whole by the app, as on the customer's page
	if f == nil {
		return
	}
	_, err := s.app.AnswerSurvey(r.Context(), actor, app.AnswerInput{FollowUpID: id, Answers: answersOf(f)})
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

func (s *site) tooManyTries(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	s.render(w, r, http.StatusTooManyRequests, "error", view{Title: http.StatusText(http.StatusTooManyRequests),
		Data: "Nothing was saved: too many tries from here. Wait a few minutes and open your link or send your answers again."})
}

// newLinkLimit bounds what anonymous visitors may send to the links
// customers get by email (survey and resolution links): per address and
// per link, a number of posts (and openings of links Tandem did not sign)
// in a window. A good link is used once, so a visitor who needs more is
// guessing or scripting.
func newLinkLimit() *postLimit {
	return &postLimit{perIP: 300, perToken: 60, window: 10 * time.Minute, most: 100000, seen: map[string]*window{}}
}

type window struct {
	start time.Time
	n     int
}

type postLimit struct {
	mu              sync.Mutex
	perIP, perToken int
	window          time.Duration
	most            int // the most windows kept
	seen            map[string]*window
}

// clientKey is the key an address is counted under: an IPv4 address as
// it is, an IPv6 address by its /64, which one host or home is given
// whole, so that a visitor cannot step through its addresses to be
// counted afresh.
func clientKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "ip:" + ip
	}
	a = a.Unmap()
	if a.Is4() {
		return "ip:" + a.String()
	}
	p, _ := a.WithZone("").Prefix(64)
	return "ip:" + p.String()
}

// take counts one post from ip to token, returning how long to wait when
// either is over its limit. A post from an address over its limit is not
// counted against the link, so that such posts cannot fill the table;
// when the table is full, the windows that have ended are dropped, then
// the links', and the addresses' only as a last resort.
func (l *postLimit) take(ip, token string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(token) > 200 {
		token = token[:200]
	}
	count := func(key string, limit int) time.Duration {
		w := l.seen[key]
		if w == nil || now.Sub(w.start) >= l.window {
			if w == nil && len(l.seen) >= l.most {
				l.prune(now)
			}
			w = &window{start: now}
			l.seen[key] = w
		}
		w.n++
		if w.n > limit {
			return w.start.Add(l.window).Sub(now)
		}
		return 0
	}
	if wait := count(clientKey(ip), l.perIP); wait > 0 {
		return wait
	}
	return count("token:"+token, l.perToken)
}

// held returns how long an address over its limit must wait, without
// counting anything.
func (l *postLimit) held(ip string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.seen[clientKey(ip)]; w != nil && now.Sub(w.start) < l.window && w.n >= l.perIP {
		return w.start.Add(l.window).Sub(now)
	}
	return 0
}

// prune makes room in a full table.
func (l *postLimit) prune(now time.Time) {
	for k, w := range l.seen {
		if now.Sub(w.start) >= l.window {
			delete(l.seen, k)
		}
	}
	if len(l.seen) < l.most {
		return
	}
	for k := range l.seen {
		if strings.HasPrefix(k, "token:") {
			delete(l.seen, k)
		}
	}
	if len(l.seen) >= l.most {
		clear(l.seen)
	}
}

// surveysPage is the surveys' page: the templates and their questions,
// the follow-up settings and the yardstick targets, which managers change.
type surveysPage struct {
	Templates []survey.Template
	Settings  survey.Settings
	Version   int64
	Metrics   []metricRow // the yardstick metrics, each with a target field
	CanEdit   bool
}

// metricRow is a yardstick metric of the templates (or one with a
// target), in its unit.
type metricRow struct{ Metric, Unit string }

func (s *site) surveys(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderSurveys(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

// targetField is a field of the yardstick targets' form.
func targetField(name string) bool {
	return name == "targets_version" || strings.HasPrefix(name, "targets.")
}

// renderSurveys shows the surveys' page; v.Form, when set, is one of its
// forms as posted, and the other form shows what is saved.
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
	targets, targetsVersion, err := s.app.YardstickTargetSetting(r.Context(), actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	saved := url.Values{"expiry_days": {strconv.Itoa(st.ExpiryDays)}, "fatigue_days": {strconv.Itoa(st.FatigueDays)},
		"targets_version": {strconv.FormatInt(targetsVersion, 10)}}
	for _, name := range survey.Triggers[1:] {
		t, _ := st.Trigger(name)
		if t.On {
			saved.Set(name+".on", "1")
		}
		saved.Set(name+".delay_hours", strconv.Itoa(t.DelayHours))
		saved.Set(name+".template_id", t.TemplateID)
	}
	metrics := yardstickMetrics(ts, targets)
	for _, m := range metrics {
		if n, ok := targets[m.Metric]; ok {
			saved.Set("targets."+m.Metric, strconv.FormatFloat(n, 'f', -1, 64))
		}
	}
	if v.Form == nil {
		v.Form = saved
	} else {
		posted := v.Form.Has("targets_version")
		for k, vs := range saved {
			if targetField(k) != posted {
				v.Form[k] = vs
			}
		}
	}
	v.Title, v.Nav = "Surveys", "surveys"
	v.Data = surveysPage{Templates: ts, Settings: st, Version: version, Metrics: metrics, CanEdit: actor.Can(access.EditSurveys, false)}
	s.render(w, r, status, "surveys", v)
}

// yardstickMetrics are the metrics the templates' yardsticks ask for and
// those with a target, by name.
func yardstickMetrics(ts []survey.Template, targets map[string]float64) []metricRow {
	units := map[string]string{}
	for m := range targets {
		units[m] = ""
	}
	for _, t := range ts {
		for _, q := range t.Questions {
			if q.Type == survey.Yardstick && units[q.Metric] == "" {
				units[q.Metric] = q.Unit
			}
		}
	}
	var out []metricRow
	for _, m := range slices.Sorted(maps.Keys(units)) {
		out = append(out, metricRow{m, units[m]})
	}
	return out
}

const staleTargets = "Nothing was saved: someone saved the targets since you opened this page. What you typed is kept below: save again to replace theirs."

// saveYardstickTargets saves the internal target of each yardstick metric
// (managers); a field left empty is no target.
func (s *site) saveYardstickTargets(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err == nil {
		var fields fault.Fields
		targets := map[string]float64{}
		for k, vs := range f {
			m, ok := strings.CutPrefix(k, "targets.")
			if v := strings.TrimSpace(vs[len(vs)-1]); ok && v != "" {
				n, perr := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
				if perr != nil {
					fields.Add(k, "give a number, such as 7")
				}
				targets[m] = n
			}
		}
		err = fields.Err()
		if err == nil {
			version, _ := strconv.ParseInt(f.Get("targets_version"), 10, 64)
			_, _, err = s.app.SaveYardstickTargets(r.Context(), actor, targets, version)
		}
	}
	status := http.StatusUnprocessableEntity
	errs, _, ok := formErrors(err)
	if fault.KindOf(err) == fault.Stale {
		_, now, _ := s.app.YardstickTargetSetting(r.Context(), actor)
		f.Set("targets_version", strconv.FormatInt(now, 10))
		errs, ok, status = map[string]string{"form": staleTargets}, true, http.StatusConflict
	}
	if err != nil {
		if !ok {
			s.fail(w, r, err)
			return
		}
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked below."
		}
		s.renderSurveys(w, r, actor, view{Form: f, Errors: errs}, status)
		return
	}
	http.Redirect(w, r, "/surveys?notice="+url.QueryEscape("Saved: the yardstick targets."), http.StatusSeeOther)
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
