package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/promise"
	"tandem/internal/rules"
)

// The service policies: a list everyone reads, the form managers write
// them with, and a try-out form that checks a promise against them (with
// script as it is typed, without on submit).

type policiesPage struct {
	Policies   []rules.Policy
	CanEdit    bool
	Policy     rules.Policy // the one shown, on its own page
	Kinds      []string
	Severities []string
	Env        []rules.Variable
	Tried      bool // the try-out form was sent
	Conflicts  []rules.Conflict
	Blocked    bool
	FormAction string // where the policy form posts
	FormButton string
	// Conflicting are the open and overdue promises the policy shown
	// conflicts with.
	Conflicting *app.PolicyConflictReport
}

const policyDay = "2006-01-02"

func (s *site) policiesData(r *http.Request, actor access.Actor) (policiesPage, error) {
	list, err := s.app.ServicePolicies(r.Context(), actor, false)
	return policiesPage{Policies: list, CanEdit: actor.Can(access.EditServicePolicies, false), Kinds: kindValues,
		Severities: rules.Severities, Env: rules.Environment, FormAction: "/policies", FormButton: "Save the policy"}, err
}

func (s *site) policies(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderPolicies(w, r, actor, view{Notice: r.URL.Query().Get("notice"), Form: url.Values{"severity": {rules.Warn},
		"effective_from": {s.app.Now().In(s.app.Zone()).Format(policyDay)}}}, http.StatusOK, nil)
}

func (s *site) renderPolicies(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int, with func(*policiesPage)) {
	d, err := s.policiesData(r, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if with != nil {
		with(&d)
	}
	v.Title, v.Nav, v.Data = "Service policies", "policies", d
	s.render(w, r, status, "policies", v)
}

// policyForm is a policy as its form shows it; dates are days in the
// team's zone, and the form's last day is the day before effective_to.
func (s *site) policyForm(p rules.Policy) url.Values {
	f := url.Values{"name": {p.Name}, "statement": {p.Statement}, "rule": {p.Rule}, "severity": {p.Severity},
		"version": {strconv.FormatInt(p.Version, 10)}}
	if !p.EffectiveFrom.IsZero() {
		f.Set("effective_from", p.EffectiveFrom.In(s.app.Zone()).Format(policyDay))
	}
	if !p.EffectiveTo.IsZero() {
		f.Set("effective_to", p.EffectiveTo.In(s.app.Zone()).AddDate(0, 0, -1).Format(policyDay))
	}
	return f
}

// readPolicy reads the policy form: effective from the start of its first
// day to the end of its last, in the team's zone.
func (s *site) readPolicy(f url.Values) (rules.Policy, error) {
	p := rules.Policy{Name: f.Get("name"), Statement: f.Get("statement"), Rule: f.Get("rule"), Severity: f.Get("severity")}
	var fs fault.Fields
	day := func(name string) time.Time {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(policyDay, v, s.app.Zone())
		if err != nil {
			fs.Add(name, "enter a date such as 2026-03-02")
		}
		return t
	}
	p.EffectiveFrom = day("effective_from")
	if to := day("effective_to"); !to.IsZero() {
		p.EffectiveTo = to.AddDate(0, 0, 1)
		if !p.EffectiveFrom.IsZero() && to.Before(p.EffectiveFrom) {
			fs.Add("effective_to", "the last day cannot be before the first")
		}
	}
	return p, fs.Err()
}

func (s *site) createPolicy(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	var p rules.Policy
	if err == nil {
		p, err = s.readPolicy(f)
	}
	if err == nil {
		p, err = s.app.SaveServicePolicy(r.Context(), actor, p, 0)
	}
	if err == nil {
		http.Redirect(w, r, "/policies/"+p.ID+"?notice=saved", http.StatusSeeOther)
		return
	}
	errs, _, ok := formErrors(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderPolicies(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity, nil)
}

func (s *site) showPolicy(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	p, err := s.app.ServicePolicy(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderPolicy(w, r, actor, p, view{Notice: r.URL.Query().Get("notice"), Form: s.policyForm(p)}, http.StatusOK)
}

func (s *site) renderPolicy(w http.ResponseWriter, r *http.Request, actor access.Actor, p rules.Policy, v view, status int) {
	v.Title, v.Nav = p.Name, "policies"
	v.Data = policiesPage{Policy: p, CanEdit: actor.Can(access.EditServicePolicies, false) && p.Active, Kinds: kindValues,
		Severities: rules.Severities, Env: rules.Environment, FormAction: "/policies/" + p.ID, FormButton: "Save a new version"}
	if rep, err := s.app.PolicyConflictingPromises(r.Context(), actor, p); err == nil {
		d := v.Data.(policiesPage)
		d.Conflicting = &rep
		v.Data = d
	}
	v.Users = s.userNames(r, actor)
	s.render(w, r, status, "policies", v)
}

func (s *site) savePolicyPage(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	cur, lerr := s.app.ServicePolicy(r.Context(), actor, r.PathValue("id"))
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	var p rules.Policy
	if err == nil {
		p, err = s.readPolicy(f)
	}
	if err == nil {
		p.ID = cur.ID
		version, perr := strconv.ParseInt(f.Get("version"), 10, 64)
		if perr != nil || version < 1 {
			version = -1 // a form without its version can only be stale
		}
		p, err = s.app.SaveServicePolicy(r.Context(), actor, p, version)
	}
	if err == nil {
		http.Redirect(w, r, "/policies/"+p.ID+"?notice=saved", http.StatusSeeOther)
		return
	}
	errs, _, ok := formErrors(err)
	if !ok && fault.KindOf(err) == fault.Stale {
		errs, ok = map[string]string{"form": "Nothing was saved: " + err.Error() + "."}, true
	}
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderPolicy(w, r, actor, cur, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
}

func (s *site) removePolicy(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !confirmed(f) {
		p, err := s.app.ServicePolicy(r.Context(), actor, r.PathValue("id"))
		if err == nil && !actor.Can(access.EditServicePolicies, false) {
			err = actor.Require(access.EditServicePolicies, false)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.askToConfirm(w, r, "policies", f, confirmation{Question: "Remove the policy “" + p.Name + "”?",
			Consequence: "Promises are no longer checked against it, and every sales user is told. It stays in the record.", Cancel: "/policies/" + p.ID})
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	if _, err := s.app.RemoveServicePolicy(r.Context(), actor, r.PathValue("id"), version); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/policies?notice=removed", http.StatusSeeOther)
}

// tryPolicies checks the try-out form's promise without script: the page
// again with the conflicts where the script would show them.
func (s *site) tryPolicies(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	var d app.PromiseDraft
	if err == nil {
		d, err = s.readDraft(f)
	}
	var cs []rules.Conflict
	if err == nil {
		cs, err = s.app.CheckPromise(r.Context(), actor, d)
	}
	status := http.StatusOK
	var errs map[string]string
	if err != nil {
		var ok bool
		if errs, _, ok = formErrors(err); !ok {
			s.fail(w, r, err)
			return
		}
		status = http.StatusUnprocessableEntity
	}
	s.renderPolicies(w, r, actor, view{Errors: errs, Form: f}, status, func(p *policiesPage) {
		p.Tried, p.Conflicts, p.Blocked = err == nil, cs, rules.Blocked(cs)
	})
}

// readDraft reads a promise as a form holds it: the amount in major units
// ("1,200.50") of its currency, the due day in the team's zone. The form
// field names are the promise form's: the check script reads the same.
func (s *site) readDraft(f url.Values) (app.PromiseDraft, error) {
	d := app.PromiseDraft{Kind: f.Get("kind"), Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))),
		Description: f.Get("description"), AccountID: strings.TrimSpace(f.Get("account_id"))}
	var fs fault.Fields
	if a := strings.TrimSpace(f.Get("amount")); a != "" {
		minor, ok := minorUnits(a, d.Currency)
		if !ok {
			fs.Add("amount", "enter an amount such as 1200 or 1,200.50")
		}
		d.AmountMinor = minor
		if d.Currency == "" {
			fs.Add("currency", "say the currency of the amount")
		}
	}
	if v := strings.TrimSpace(f.Get("due_at")); v != "" {
		t, err := time.ParseInLocation(policyDay, v, s.app.Zone())
		if err != nil {
			t, err = time.ParseInLocation(localMinute, v, s.app.Zone())
		}
		if err != nil {
			fs.Add("due_at", "enter a date such as 2026-03-02")
		}
		d.DueAt = t
	}
	if err := fs.Err(); err != nil {
		return d, err
	}
	return d, nil
}

// minorUnits reads an amount typed in major units into minor units: two
// digits after the point, none for the currencies without (JPY), three
// for those with three (KWD). Thousands separators are commas.
func minorUnits(s, currency string) (int64, bool) {
	digits := 2
	switch currency {
	case "JPY", "KRW", "ISK", "CLP":
		digits = 0
	case "KWD", "BHD":
		digits = 3
	}
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > digits || strings.ContainsAny(whole+frac, "+-") {
		return 0, false
	}
	frac += strings.Repeat("0", digits-len(frac))
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// kindValues are the kinds of promise, as the policy try-out form offers them.
var kindValues = func() []string {
	out := make([]string, len(promise.Kinds))
	for i, k := range promise.Kinds {
		out[i] = string(k)
	}
	return out
}()
