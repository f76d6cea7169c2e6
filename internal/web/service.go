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
	"tandem/internal/sla"
)

// servicePage is the service settings and the confirmation metrics.
type servicePage struct {
	Calendar app.CalendarSetting
	Policy   app.PolicySetting
	Tiers    []string
	Days     []string // weekday names, Monday first
	CanEdit  bool
	Window   int // days of closed cases the rates cover
	// WindowTyped is the window as typed, kept when it is refused.
	WindowTyped string
	MaxWindow   int
	ByAgent     []app.ConfirmationRate
	ByCategory  []app.ConfirmationRate
}

func (s *site) serviceSettings(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderService(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

// renderService shows the page; forms in v.Form keep what was typed.
func (s *site) renderService(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	cal, err := s.app.Calendar(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pol, err := s.app.Policy(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	typed := strings.TrimSpace(r.URL.Query().Get("days"))
	days, msg := ratesWindow(typed)
	if msg != "" {
		if v.Errors == nil {
			v.Errors = map[string]string{}
		}
		v.Errors["days"] = msg
		if _, failed := v.Errors["form"]; !failed {
			v.Errors["form"] = fmt.Sprintf("The confirmation rates are shown for the last %d days: %s.", days, msg)
		}
		status = http.StatusUnprocessableEntity
	}
	byAgent, byCategory, err := s.app.ConfirmationRates(ctx, actor, s.app.Now().AddDate(0, 0, -days), time.Time{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users := s.userNames(r, actor)
	for i := range byAgent {
		if byAgent[i].Key == "" {
			byAgent[i].Key = "(unassigned)"
		} else if name, ok := users[byAgent[i].Key]; ok {
			byAgent[i].Key = name
		}
	}
	form := serviceForm(cal, pol)
	for k, typed := range v.Form { // what was typed into the form that failed
		form[k] = typed
	}
	v.Form = form
	var tiers []string
	for t := range pol.Spec.Tiers {
		tiers = append(tiers, t)
	}
	v.Title, v.Nav = "Service settings", "cases"
	if typed == "" {
		typed = strconv.Itoa(days)
	}
	v.Data = servicePage{Calendar: cal, Policy: pol, Tiers: tiers, Days: sla.DayNames, CanEdit: actor.Can(access.EditSLA, false), Window: days,
		WindowTyped: typed, MaxWindow: maxRatesWindow, ByAgent: byAgent, ByCategory: byCategory}
	s.render(w, r, status, "service", v)
}

// The confirmation rates cover the cases closed in the last N days: 90
// unless asked, at most two years.
const (
	defaultRatesWindow = 90
	maxRatesWindow     = 730
)

// ratesWindow reads the days the confirmation rates cover; a value that
// is not a whole number from 1 to maxRatesWindow is refused with a
// message, and the default is shown instead.
func ratesWindow(typed string) (int, string) {
	if typed == "" {
		return defaultRatesWindow, ""
	}
	n, err := strconv.Atoi(typed)
	if err != nil || n < 1 || n > maxRatesWindow {
		return defaultRatesWindow, fmt.Sprintf("enter a whole number of days from 1 to %d", maxRatesWindow)
	}
	return n, ""
}

// serviceForm writes the stored settings as form values.
func serviceForm(cal app.CalendarSetting, pol app.PolicySetting) url.Values {
	f := url.Values{}
	f.Set("calendar_name", cal.Name)
	f.Set("calendar_version", strconv.FormatInt(cal.Version, 10))
	f.Set("time_zone", cal.Spec.TimeZone)
	for _, d := range sla.DayNames {
		f.Set("hours."+d, cal.Spec.Hours[d])
	}
	f.Set("holidays", strings.Join(cal.Spec.Holidays, "\n"))
	f.Set("policy_name", pol.Name)
	f.Set("policy_version", strconv.FormatInt(pol.Version, 10))
	for _, p := range cases.Priorities {
		f.Set("targets."+p+".first_response", pol.Spec.Targets[p].FirstResponse)
		f.Set("targets."+p+".resolution", pol.Spec.Targets[p].Resolution)
		for tier, m := range pol.Spec.Tiers {
			if t, ok := m[p]; ok {
				f.Set("tiers."+tier+"."+p+".first_response", t.FirstResponse)
				f.Set("tiers."+tier+"."+p+".resolution", t.Resolution)
			}
		}
	}
	return f
}

func (s *site) saveCalendar(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		s.afterServiceSave(w, r, actor, bad, "calendar", nil)
		return
	}
	spec := sla.CalendarSpec{TimeZone: strings.TrimSpace(f.Get("time_zone")), Hours: map[string]string{}, Holidays: []string{}}
	for _, d := range sla.DayNames {
		if h := strings.TrimSpace(f.Get("hours." + d)); h != "" {
			spec.Hours[d] = h
		}
	}
	spec.Holidays = append(spec.Holidays, strings.Fields(f.Get("holidays"))...)
	version, _ := strconv.ParseInt(f.Get("calendar_version"), 10, 64)
	_, err := s.app.SaveCalendar(r.Context(), actor, app.CalendarSetting{Name: f.Get("calendar_name"), Spec: spec}, version)
	s.afterServiceSave(w, r, actor, err, "calendar", map[string]string{"name": "calendar_name"})
}

func (s *site) savePolicy(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		s.afterServiceSave(w, r, actor, bad, "policy", nil)
		return
	}
	spec := cases.PolicySpec{Targets: map[string]cases.TargetSpec{}, Tiers: map[string]map[string]cases.TargetSpec{}}
	for _, p := range cases.Priorities {
		spec.Targets[p] = cases.TargetSpec{FirstResponse: strings.TrimSpace(f.Get("targets." + p + ".first_response")),
			Resolution: strings.TrimSpace(f.Get("targets." + p + ".resolution"))}
	}
	for key := range f {
		parts := strings.Split(key, ".")
		if len(parts) != 4 || parts[0] != "tiers" || strings.TrimSpace(f.Get(key)) == "" {
			continue
		}
		tier, prio := parts[1], parts[2]
		if spec.Tiers[tier] == nil {
			spec.Tiers[tier] = map[string]cases.TargetSpec{}
		}
		spec.Tiers[tier][prio] = cases.TargetSpec{FirstResponse: strings.TrimSpace(f.Get("tiers." + tier + "." + prio + ".first_response")),
			Resolution: strings.TrimSpace(f.Get("tiers." + tier + "." + prio + ".resolution"))}
	}
	version, _ := strconv.ParseInt(f.Get("policy_version"), 10, 64)
	_, err := s.app.SavePolicy(r.Context(), actor, app.PolicySetting{Name: f.Get("policy_name"), Spec: spec}, version)
	s.afterServiceSave(w, r, actor, err, "policy", map[string]string{"name": "policy_name"})
}

// afterServiceSave goes back to the page, or shows it again with the
// problems beside their fields and what was typed kept.
func (s *site) afterServiceSave(w http.ResponseWriter, r *http.Request, actor access.Actor, err error, what string, rename map[string]string) {
	if err == nil {
		http.Redirect(w, r, "/settings/service?notice="+what+"#"+what, http.StatusSeeOther)
		return
	}
	errs, _, ok := formErrors(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	for from, to := range rename {
		if m, ok := errs[from]; ok {
			errs[to] = m
			delete(errs, from)
		}
	}
	if len(errs) == 0 {
		errs[what] = "not saved: " + err.Error()
	} else {
		errs[what] = "not saved: see the fields marked below"
	}
	s.renderService(w, r, actor, view{Errors: errs, Form: r.PostForm}, http.StatusUnprocessableEntity)
}
