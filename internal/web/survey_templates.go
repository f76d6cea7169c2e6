package web

import (
	"cmp"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/survey"
)

// A template's page (/surveys/{id}, and /surveys/new for a new one) is a
// form of its questions: a row per question, named questions.<row>.<column>,
// and a blank row at the end that adds a question when filled in. Each row
// has a position (the order to ask in) and a box that removes it.

// templatePage is what the template page shows.
type templatePage struct {
	Template    survey.Template // as saved; no ID for a new one
	NextVersion int64           // the version an edit of a used template makes
	Rows        []questionRow   // the form's question rows, in the order shown
	Types       []string
	CanEdit     bool
}

// questionRow is a row of the template form.
type questionRow struct {
	Prefix    string // of its fields' names: questions.<row>.
	Number    int    // 1 for the first row
	New       bool   // the last row, to add a question
	OtherType string // a posted type that is none of survey.Types
}

// maxRows bounds the rows a posted template form is read for: the most
// questions a template has, a blank row, and room for a few more to be
// refused by the app with its reason.
const maxRows = 40

func rowField(row int, col string) string { return "questions." + strconv.Itoa(row) + "." + col }

// templateForm is a saved template as its form shows it, with the blank
// row to add a question.
func templateForm(t survey.Template) url.Values {
	f := url.Values{"survey_name": {t.Name}, "survey_description": {t.Description},
		"version": {strconv.FormatInt(t.Version, 10)}, "template_version": {strconv.FormatInt(t.TemplateVersion, 10)}}
	qs := append(slices.Clone(t.Questions), survey.Question{Type: survey.YesNo})
	for i, q := range qs {
		for col, v := range map[string]string{"key": q.Key, "label": q.Label, "help": q.Help, "type": q.Type, "metric": q.Metric, "unit": q.Unit,
			"position": strconv.Itoa(i + 1)} {
			f.Set(rowField(i, col), v)
		}
		if q.Required {
			f.Set(rowField(i, "required"), "1")
		}
	}
	return f
}

// formRows counts the question rows of a template form.
func formRows(f url.Values) int {
	n := 0
	for n < maxRows && f.Has(rowField(n, "key")) {
		n++
	}
	return n
}

// readTemplate reads a posted template form: its questions in the order
// of their positions, without the rows marked to remove and the rows left
// blank; rows[k] is the form's row of question k. errs holds the
// positions that are not numbers.
func readTemplate(f url.Values) (t survey.Template, rows []int, errs map[string]string) {
	t = survey.Template{Name: f.Get("survey_name"), Description: f.Get("survey_description")}
	errs = map[string]string{}
	type row struct {
		n, position int
		q           survey.Question
	}
	var list []row
	for i := range formRows(f) {
		get := func(col string) string { return f.Get(rowField(i, col)) }
		q := survey.Question{Key: get("key"), Type: get("type"), Label: get("label"), Help: get("help"), Required: get("required") != "",
			Metric: get("metric"), Unit: get("unit")}
		if get("remove") != "" || strings.TrimSpace(q.Key+q.Label+q.Help+q.Metric+q.Unit) == "" {
			continue
		}
		pos, err := i+1, error(nil)
		if p := strings.TrimSpace(get("position")); p != "" {
			pos, err = strconv.Atoi(p)
		}
		if err != nil || pos < 0 || pos > maxRows {
			errs[rowField(i, "position")] = "give the place to ask it in as a number, such as 2"
		}
		list = append(list, row{i, pos, q})
	}
	slices.SortStableFunc(list, func(a, b row) int { return cmp.Compare(a.position, b.position) })
	for _, r := range list {
		t.Questions, rows = append(t.Questions, r.q), append(rows, r.n)
	}
	return t, rows, errs
}

var questionField = regexp.MustCompile(`^questions\[(\d+)\]\.([a-z_]+)$`)

// templateErrors files the app's refusal of a template under the form's
// fields: questions[k].label under the row question k came from.
func templateErrors(err error, rows []int) (map[string]string, bool) {
	errs, _, ok := formErrors(err)
	if !ok {
		return nil, false
	}
	out := map[string]string{}
	for k, v := range errs {
		switch m := questionField.FindStringSubmatch(k); {
		case k == "name" || k == "description":
			k = "survey_" + k
		case m != nil:
			if q, _ := strconv.Atoi(m[1]); q < len(rows) {
				k = rowField(rows[q], m[2])
			}
		}
		out[k] = v
	}
	return out, true
}

const staleTemplate = "Nothing was saved: someone saved this survey since you opened it. What you typed is kept below: save again to replace their change with yours, or open the survey again to see theirs."

func (s *site) surveyTemplatePage(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderTemplate(w, r, actor, r.PathValue("id"), view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) newSurveyTemplatePage(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderTemplate(w, r, actor, "", view{}, http.StatusOK)
}

// renderTemplate shows template id (none: a new one), with the form as
// typed when v has one.
func (s *site) renderTemplate(w http.ResponseWriter, r *http.Request, actor access.Actor, id string, v view, status int) {
	t := survey.Template{Questions: []survey.Question{}}
	if id != "" {
		var err error
		if t, err = s.app.SurveyTemplate(r.Context(), actor, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if v.Form == nil {
		v.Form = templateForm(t)
	}
	page := templatePage{Template: t, NextVersion: t.TemplateVersion + 1, Types: survey.Types, CanEdit: actor.Can(access.EditSurveys, false)}
	n := formRows(v.Form)
	for i := range n {
		row := questionRow{Prefix: rowField(i, ""), Number: i + 1, New: i == n-1}
		if typ := v.Form.Get(row.Prefix + "type"); !slices.Contains(survey.Types, typ) {
			row.OtherType = typ
		}
		page.Rows = append(page.Rows, row)
	}
	v.Title, v.Nav, v.Data = cmp.Or(t.Name, "New survey"), "surveys", page
	s.render(w, r, status, "survey_template", v)
}

// saveSurveyTemplate saves a template's form (managers): a new template
// when the path names none.
func (s *site) saveSurveyTemplate(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	id := r.PathValue("id")
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string, status int) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked below."
		}
		s.renderTemplate(w, r, actor, id, view{Form: f, Errors: errs}, status)
	}
	if err != nil {
		errs, _, _ := formErrors(err)
		again(errs, http.StatusUnprocessableEntity)
		return
	}
	t, rows, errs := readTemplate(f)
	if len(errs) > 0 {
		again(errs, http.StatusUnprocessableEntity)
		return
	}
	var saved survey.Template
	if id == "" {
		saved, err = s.app.CreateSurveyTemplate(r.Context(), actor, t)
	} else {
		version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		saved, err = s.app.UpdateSurveyTemplate(r.Context(), actor, id, app.SurveyPatch{Name: &t.Name, Description: &t.Description, Questions: &t.Questions},
			max(version, 1))
	}
	if fault.KindOf(err) == fault.Stale {
		if now, nerr := s.app.SurveyTemplate(r.Context(), actor, id); nerr == nil {
			f.Set("version", strconv.FormatInt(now.Version, 10))
			f.Set("template_version", strconv.FormatInt(now.TemplateVersion, 10))
		}
		again(map[string]string{"form": staleTemplate}, http.StatusConflict)
		return
	}
	if err != nil {
		if errs, ok := templateErrors(err, rows); ok {
			again(errs, http.StatusUnprocessableEntity)
			return
		}
		s.fail(w, r, err)
		return
	}
	notice := "saved"
	if was, _ := strconv.ParseInt(f.Get("template_version"), 10, 64); id != "" && saved.TemplateVersion != was {
		notice = "new-version"
	}
	http.Redirect(w, r, "/surveys/"+saved.ID+"?notice="+notice, http.StatusSeeOther)
}
