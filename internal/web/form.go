package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/text"
)

// What a posted form may hold. Every field of every form is text by the
// rule of package text: valid UTF-8, no NUL, no control characters, and at
// most a number of characters. A field is one line of at most text.Short
// characters unless this table says otherwise; the templates declare the
// same limit on each input (maxlength="{{maxlength "name"}}").
type fieldRule struct {
	max       int
	multiline bool // newlines and tabs allowed
}

var fieldRules = map[string]fieldRule{
	// Several lines.
	"body":        {text.Long, true}, // an interaction's body, a case comment
	"description": {text.Long, true}, // a case's description
	"solution":    {text.Long, true}, // a case's solution
	"reason":      {2000, true},      // why a case is closed unconfirmed or reopened
	"note":        {2000, true},      // the customer's note on a resolution link
	// A survey template: its name and description, and the columns of its
	// question rows (questions.3.label has the rule of questions.label).
	"survey_name":        {100, false},
	"survey_description": {1000, true},
	"questions.key":      {40, false},
	"questions.label":    {300, false},
	"questions.help":     {300, false},
	"questions.metric":   {40, false},
	"questions.unit":     {40, false},
	"questions.position": {3, false},
	// The follow-up settings: days and hours.
	"expiry_days":                 {4, false},
	"fatigue_days":                {4, false},
	"order_delivered.delay_hours": {5, false},
	"case_closed.delay_hours":     {5, false},
	"deal_won.delay_hours":        {5, false},
	"promise_kept.delay_hours":    {5, false},
	"holidays":                    {text.Long, true}, // a calendar's holidays, one a line
	"statement":                   {1000, true},      // a service policy in plain words
	"rule":                        {2000, true},      // a service policy's CEL rule
	"terms":                       {5000, true},      // a promotion's terms
	// One line, with the limits the API declares for the same fields.
	"summary":          {300, false},
	"email":            {254, false},
	"contact_email":    {254, false},
	"domain":           {253, false},
	"phone":            {50, false},
	"contact_phone":    {50, false},
	"channel":          {50, false},
	"external_id":      {100, false},
	"label":            {100, false},
	"category":         {100, false},
	"time_zone":        {100, false},
	"calendar_name":    {100, false},
	"policy_name":      {100, false},
	"password":         {1000, false},
	"current_password": {1000, false},
	"new_password":     {1000, false},
	// The promise ledger: what was promised, and why it was kept, broken,
	// cancelled, acknowledged or backdated.
	"promise_description":      {2000, true},
	"promise_acknowledgement":  {2000, true},
	"promise_backdated_reason": {2000, true},
	"promise_exception_reason": {2000, true},
	"backdated_reason":         {2000, true},
	"evidence":                 {2000, true},
	"break_reason":             {2000, true},
	"cancel_reason":            {2000, true},
	"replacement_description":  {2000, true},
	// Tasks: their notes (the add-a-task form's and the task page's).
	"task_notes": {4000, true},
	"notes":      {4000, true},
}

// ruleOf is the rule of a form field: its row in fieldRules, text.ID for
// an id (…_id), else one line of text.Short. An edit form's was_<field>
// carries the field's value and has its limit; a field of a numbered row
// (questions.3.label) has its column's (questions.label).
func ruleOf(name string) fieldRule {
	name = strings.TrimPrefix(name, "was_")
	if list, rest, ok := strings.Cut(name, "."); ok {
		if row, col, ok := strings.Cut(rest, "."); ok && row != "" && strings.Trim(row, "0123456789") == "" {
			name = list + "." + col
		}
	}
	if r, ok := fieldRules[name]; ok {
		return r
	}
	if strings.HasSuffix(name, "_id") {
		return fieldRule{max: text.ID}
	}
	return fieldRule{max: text.Short}
}

// maxLength is the most characters a form field takes, for templates.
func maxLength(name string) int { return ruleOf(name).max }

// maxForm is the most bytes a posted form may have: far more than its
// fields at their limits need.
const maxForm = 1 << 20

// formProblems checks every field of a posted form by its rule (ruleFor):
// the message for each field that breaks the rule, by field name, and under "form" one sentence
// naming them all, which every page shows above its content. A field name
// that is not text itself counts under "form" only.
func formProblems(f url.Values, ruleFor func(string) fieldRule) map[string]string {
	errs := map[string]string{}
	var named []string
	for k, vs := range f {
		if !text.Clean(k) || len(k) > text.Short {
			named = append(named, "a field name is not text Tandem accepts")
			continue
		}
		// An edit form's was_<field> is never saved, only compared with the
		// record as it is now (edit.go), so that a record holding text from
		// before this rule can still be edited and its bad text corrected.
		if strings.HasPrefix(k, "was_") {
			continue
		}
		rule := ruleFor(k)
		for _, v := range vs {
			if p := text.Problem(v, rule.max, rule.multiline); p != "" {
				errs[k] = p // as the app's messages: lower-case, beside the field
				named = append(named, event.FieldLabel(strings.TrimPrefix(k, "was_"))+" "+p)
				break
			}
		}
	}
	if len(named) == 0 {
		return nil
	}
	sort.Strings(named)
	errs["form"] = "Nothing was saved: " + strings.Join(named, "; ") + "."
	return errs
}

// postForm is the one way handlers read a posted form. It reads at most
// maxForm bytes and checks every field (formProblems). When the form
// cannot be read at all it answers so itself and returns nil. When fields
// break the rule it returns the form as typed with an invalid-input error
// naming them (formErrors turns it into messages beside the fields), so
// the handler shows the form again and writes nothing.
func (s *site) postForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		if _, big := errors.AsType[*http.MaxBytesError](err); big {
			s.render(w, r, http.StatusRequestEntityTooLarge, "error", view{Title: http.StatusText(http.StatusRequestEntityTooLarge),
				Data: "This form is too large to be read. Shorten what you typed and send it again."})
			return nil, nil
		}
		s.fail(w, r, fault.New(fault.Invalid, "the form could not be read"))
		return nil, nil
	}
	if errs := formProblems(r.PostForm, ruleOf); errs != nil {
		return r.PostForm, problemError(errs)
	}
	return r.PostForm, nil
}

// editProblems checks edit form f again without the fields the person
// left as they were: those are not saved (edited), so a record holding
// text from before this rule, or longer than the form takes, can still be
// edited.
func editProblems(f url.Values, fields []string) error {
	changed := url.Values{}
	for k, v := range f {
		changed[k] = v
	}
	for _, k := range fields {
		if f.Has("was_"+k) && f.Get(k) == f.Get("was_"+k) && len(f[k]) <= 1 {
			delete(changed, k)
		}
	}
	if errs := formProblems(changed, ruleOf); errs != nil {
		return problemError(errs)
	}
	return nil
}

// problemError is the invalid-input error of the problems of a form.
func problemError(errs map[string]string) error {
	e := fault.New(fault.Invalid, "%s", errs["form"])
	keys := make([]string, 0, len(errs))
	for k := range errs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		e.Fields = append(e.Fields, fault.FieldError{Field: k, Message: errs[k]})
	}
	return e
}

// wildcard finds the names of a route pattern's wildcards.
var wildcard = regexp.MustCompile(`\{([a-z_]+)(?:\.\.\.)?\}`)

// checkedRequest answers before h when the request's path names something
// no id can be (404, like any unknown id) or its query holds a value that
// is not text (400), so that no such value reaches the database.
func (s *site) checkedRequest(pattern string, h http.HandlerFunc) http.HandlerFunc {
	var names []string
	for _, m := range wildcard.FindAllStringSubmatch(pattern, -1) {
		names = append(names, m[1])
	}
	return func(w http.ResponseWriter, r *http.Request) {
		for _, n := range names {
			if v := r.PathValue(n); len(v) > text.Short || !text.Clean(v) || (n == "id" && len(v) > text.ID) {
				s.fail(w, r, fault.NotFoundf("no such %s", n))
				return
			}
		}
		for k, vs := range r.URL.Query() {
			p := ""
			if !text.Clean(k) || len(k) > text.Short {
				p = "a parameter's name is not text"
			}
			for _, v := range vs {
				if q := text.Problem(v, text.Long, false); q != "" && p == "" {
					p = event.FieldLabel(k) + " " + q
				}
			}
			if p != "" {
				s.render(w, r, http.StatusBadRequest, "error", view{Title: http.StatusText(http.StatusBadRequest),
					Data: "The address is not text Tandem accepts: " + p + "."})
				return
			}
		}
		h(w, r)
	}
}
