package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/store"
	"tandem/internal/survey"
)

// templatePageForm reads the template form of a page as it would be
// posted: every input's value, the selected option, the checked boxes.
func templatePageForm(t *testing.T, page string) url.Values {
	t.Helper()
	m := regexp.MustCompile(`(?s)<form method="post" action="/surveys[^"]*" novalidate class="template-form">(.*?)</form>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no template form: %.3000s", page)
	}
	attr := func(tag, name string) (string, bool) {
		a := regexp.MustCompile(`\s` + name + `="([^"]*)"`).FindStringSubmatch(tag)
		if a == nil {
			return "", false
		}
		return html.UnescapeString(a[1]), true
	}
	f := url.Values{}
	for _, tag := range regexp.MustCompile(`<input\b[^>]*>`).FindAllString(m[1], -1) {
		name, _ := attr(tag, "name")
		value, _ := attr(tag, "value")
		if typ, _ := attr(tag, "type"); typ == "checkbox" && !strings.Contains(tag, " checked") {
			continue
		}
		f.Set(name, value)
	}
	for _, sel := range regexp.MustCompile(`(?s)<select id="[^"]*" name="([^"]*)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(m[1], -1) {
		if o := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(sel[2]); o != nil {
			f.Set(sel[1], o[1])
		}
	}
	for _, ta := range regexp.MustCompile(`(?s)<textarea id="[^"]*" name="([^"]*)"[^>]*>(.*?)</textarea>`).FindAllStringSubmatch(m[1], -1) {
		f.Set(ta[1], html.UnescapeString(ta[2]))
	}
	return f
}

// answerYardstick has the contact answer the yardstick survey.
func (x *site) answerYardstick() survey.Response {
	ctx := context.Background()
	inv, err := x.a.SendSurvey(ctx, x.admin, survey.YardstickID, x.contact.ID, "", "")
	if err != nil {
		x.t.Fatal(err)
	}
	r, err := x.a.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: inv.URL[strings.Index(inv.URL, "/s/")+3:],
		Answers: map[string]string{survey.KeyDeliveryDays: "3", survey.KeyFirstResponseHours: "4"}})
	if err != nil {
		x.t.Fatal(err)
	}
	return r
}

// TestEditingAnsweredTemplateMakesAVersion: a manager adds a yardstick
// question and moves it first on the template's page; the template that
// was answered becomes version 2 in that order, and the answers given
// before keep version 1.
func TestEditingAnsweredTemplateMakesAVersion(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		before := x.answerYardstick()
		path := "/surveys/" + survey.YardstickID
		status, page := x.get(path)
		if status != http.StatusOK || !strings.Contains(page, `id="template-version"`) || !strings.Contains(page, "makes version 2") {
			t.Fatalf("GET %s: %d: %.2000s", path, status, page)
		}
		f := templatePageForm(t, page)
		if f.Get("questions.0.key") != survey.KeyDeliveryDays || f.Get("questions.3.key") != "" || f.Get("questions.0.required") != "1" {
			t.Fatalf("the form: %v", f)
		}
		// The blank row becomes a yardstick asked first; the comment goes.
		for col, v := range map[string]string{"key": "setup_hours", "type": "yardstick", "label": "Within how many hours should we set it up?",
			"unit": "hours", "position": "0", "required": "1"} {
			f.Set("questions.3."+col, v)
		}
		f.Set("questions.2.remove", "1")
		status, page = x.post(path, f.Encode())
		if status != http.StatusSeeOther {
			t.Fatalf("save: %d: %.2000s", status, page)
		}
		tpl, err := x.a.SurveyTemplate(context.Background(), x.admin, survey.YardstickID)
		if err != nil || tpl.TemplateVersion != 2 || len(tpl.Questions) != 3 || tpl.Questions[0].Key != "setup_hours" ||
			tpl.Questions[0].Metric != "setup_hours" || tpl.Questions[1].Key != survey.KeyDeliveryDays {
			t.Fatalf("saved %+v %v", tpl, err)
		}
		old, err := x.a.SurveyResponse(context.Background(), x.admin, before.ID)
		if err != nil || old.TemplateVersion != 1 || len(old.Answers) != 2 {
			t.Errorf("the answers before: %+v %v", old, err)
		}
		_, page = x.get(path + "?notice=new-version")
		if !strings.Contains(page, "Saved as version 2") || !strings.Contains(page, "Version 2.") {
			t.Errorf("the page after: %.2000s", page)
		}
		// An edit of version 2, not answered yet, changes it in place.
		f = templatePageForm(t, page)
		f.Set("survey_name", "Your yardstick, short")
		if status, _ := x.post(path, f.Encode()); status != http.StatusSeeOther {
			t.Fatalf("second save: %d", status)
		}
		if tpl, _ := x.a.SurveyTemplate(context.Background(), x.admin, survey.YardstickID); tpl.TemplateVersion != 2 || tpl.Name != "Your yardstick, short" {
			t.Errorf("after the second save: %+v", tpl)
		}
	})
}

// TestTemplateFormErrors: each bad input is shown beside its field, with
// everything typed kept and nothing saved; a question moved first is
// still marked in its own row.
func TestTemplateFormErrors(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		path := "/surveys/" + survey.YardstickID
		_, page := x.get(path)
		base := templatePageForm(t, page)
		base.Set("survey_description", "Typed and kept")
		saved, _ := x.a.SurveyTemplate(context.Background(), x.admin, survey.YardstickID)
		for _, c := range []struct {
			what  string
			set   map[string]string
			field string
		}{
			{"an empty label", map[string]string{"questions.1.label": ""}, "questions.1.label"},
			{"an empty label, moved first", map[string]string{"questions.1.label": " ", "questions.1.position": "0"}, "questions.1.label"},
			{"a duplicate key", map[string]string{"questions.1.key": survey.KeyDeliveryDays}, "questions.1.key"},
			{"a key with bad characters", map[string]string{"questions.0.key": "delivery-days!"}, "questions.0.key"},
			{"a yardstick with a bad metric", map[string]string{"questions.0.metric": "days to deliver"}, "questions.0.metric"},
			{"a yardstick without a unit", map[string]string{"questions.1.unit": ""}, "questions.1.unit"},
			{"an unknown type", map[string]string{"questions.2.type": "stars"}, "questions.2.type"},
			{"a new question without a label", map[string]string{"questions.3.key": "setup_hours"}, "questions.3.label"},
			{"a place that is no number", map[string]string{"questions.2.position": "last"}, "questions.2.position"},
			{"no name", map[string]string{"survey_name": ""}, "survey_name"},
			{"no questions", map[string]string{"questions.0.remove": "1", "questions.1.remove": "1", "questions.2.remove": "1"}, "questions"},
		} {
			f := url.Values{}
			for k, v := range base {
				f[k] = v
			}
			for k, v := range c.set {
				f.Set(k, v)
			}
			status, page := x.post(path, f.Encode())
			if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="`+c.field+`-error"`) || !strings.Contains(page, `id="error-summary"`) {
				t.Errorf("%s: %d, no message beside %s: %.3000s", c.what, status, c.field, page)
				continue
			}
			got := templatePageForm(t, page)
			for k := range f {
				if got.Get(k) != f.Get(k) {
					t.Errorf("%s: %s shows %q, typed %q", c.what, k, got.Get(k), f.Get(k))
				}
			}
		}
		if now, _ := x.a.SurveyTemplate(context.Background(), x.admin, survey.YardstickID); now.Version != saved.Version {
			t.Errorf("a refused form saved: version %d → %d", saved.Version, now.Version)
		}
	})
}

// TestTemplateFormStaleVersion: a save over someone else's says so,
// keeps what was typed, and a second save replaces theirs.
func TestTemplateFormStaleVersion(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		path := "/surveys/" + survey.FollowUpID
		_, page := x.get(path)
		f := templatePageForm(t, page)
		f.Set("survey_name", "Follow-up, mine")
		theirs := "Follow-up, theirs"
		if _, err := x.a.UpdateSurveyTemplate(context.Background(), x.admin, survey.FollowUpID, app.SurveyPatch{Name: &theirs}, 0); err != nil {
			t.Fatal(err)
		}
		status, page := x.post(path, f.Encode())
		if status != http.StatusConflict || !strings.Contains(page, "someone saved this survey since you opened it") {
			t.Fatalf("stale save: %d: %.2000s", status, page)
		}
		again := templatePageForm(t, page)
		if again.Get("survey_name") != "Follow-up, mine" || again.Get("questions.3.key") != survey.KeyNPS {
			t.Errorf("what was typed is not kept: %v", again)
		}
		if tpl, _ := x.a.SurveyTemplate(context.Background(), x.admin, survey.FollowUpID); tpl.Name != theirs {
			t.Errorf("the stale save changed the template: %q", tpl.Name)
		}
		if status, _ := x.post(path, again.Encode()); status != http.StatusSeeOther {
			t.Fatalf("save again: %d", status)
		}
		if tpl, _ := x.a.SurveyTemplate(context.Background(), x.admin, survey.FollowUpID); tpl.Name != "Follow-up, mine" {
			t.Errorf("after saving again: %q", tpl.Name)
		}
	})
}

// TestSalesCannotEditTemplates: a sales user reads a template and the
// targets but has no form, and a post is refused with nothing changed.
func TestSalesCannotEditTemplates(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		sales, _ := x.sessionFor(x.user.ID)
		path := "/surveys/" + survey.YardstickID
		status, page := x.getAs(sales, path)
		if status != http.StatusOK || strings.Contains(page, `class="template-form"`) || !strings.Contains(page, `id="template-questions"`) {
			t.Errorf("GET %s as sales: %d: %.2000s", path, status, page)
		}
		if status, page := x.getAs(sales, "/surveys"); status != http.StatusOK || strings.Contains(page, `action="/surveys/targets"`) ||
			!strings.Contains(page, `id="targets-list"`) || strings.Contains(page, `id="new-template"`) {
			t.Errorf("/surveys as sales: %d: %.2000s", status, page)
		}
		before := x.rows()
		for p, f := range map[string]url.Values{path: templateFields("Mine", url.Values{"version": {"1"}}), "/surveys": templateFields("Mine", nil),
			"/surveys/targets": {"targets_version": {"0"}, "targets.delivery_days": {"1"}}} {
			if status, page := x.postAs(sales, p, f.Encode()); status != http.StatusForbidden {
				t.Errorf("POST %s as sales: %d: %.1000s", p, status, page)
			}
		}
		if after := x.rows(); !mapsEqual(before, after) {
			t.Errorf("refused posts changed the database: %v, %v", before, after)
		}
	})
}

// TestNewTemplateAndTargets: a new template is added from its form and
// opens on its page; the targets' form saves each metric's target and
// refuses a bad one beside its field, keeping the others.
func TestNewTemplateAndTargets(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		status, page := x.get("/surveys/new")
		if status != http.StatusOK || !strings.Contains(page, `action="/surveys"`) {
			t.Fatalf("GET /surveys/new: %d: %.2000s", status, page)
		}
		f := templatePageForm(t, page)
		if f.Get("questions.0.key") != "" || f.Has("questions.1.key") {
			t.Fatalf("a new template's form: %v", f)
		}
		status, page = x.post("/surveys", f.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="survey_name-error"`) || !strings.Contains(page, `id="questions-error"`) {
			t.Errorf("an empty new template: %d: %.2000s", status, page)
		}
		req, _ := http.NewRequest(http.MethodPost, x.srv.URL+"/surveys", strings.NewReader(templateFields("After installation", nil).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "tandem_session", Value: x.cookie})
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/surveys/") {
			t.Fatalf("add: %d to %q", res.StatusCode, loc)
		}
		status, page = x.get(loc)
		if status != http.StatusOK || !strings.Contains(page, "<h1>After installation</h1>") || !strings.Contains(page, `id="template-saved"`) {
			t.Errorf("the new template's page: %d: %.2000s", status, page)
		}
		// The targets: one per metric of the templates.
		_, page = x.get("/surveys")
		for _, want := range []string{`href="` + strings.Split(loc, "?")[0] + `"`, `name="targets.delivery_days"`, `name="targets.first_response_hours"`,
			`value="7"`, `value="24"`} {
			if !strings.Contains(page, want) {
				t.Errorf("/surveys has no %s", want)
			}
		}
		status, page = x.post("/surveys/targets", url.Values{"targets_version": {"0"}, "targets.delivery_days": {"0"}, "targets.first_response_hours": {"12,5"}}.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="targets.delivery_days-error"`) || !strings.Contains(page, `value="12,5"`) {
			t.Errorf("a bad target: %d: %.3000s", status, page)
		}
		if !strings.Contains(page, `name="expiry_days" inputmode="numeric" size="4" maxlength="4" value="30"`) {
			t.Errorf("the settings' form lost its values")
		}
		status, _ = x.post("/surveys/targets", url.Values{"targets_version": {"0"}, "targets.delivery_days": {"5"}, "targets.first_response_hours": {"12,5"}}.Encode())
		got, err := x.a.YardstickTargets(context.Background())
		if status != http.StatusSeeOther || err != nil || got["delivery_days"] != 5 || got["first_response_hours"] != 12.5 {
			t.Errorf("save the targets: %d, %v %v", status, got, err)
		}
		// A stale version keeps what was typed.
		status, page = x.post("/surveys/targets", url.Values{"targets_version": {"0"}, "targets.delivery_days": {"4"}}.Encode())
		if status != http.StatusConflict || !strings.Contains(page, "someone saved the targets") || !strings.Contains(page, `name="targets.delivery_days" inputmode="decimal" size="8" maxlength="200" value="4"`) {
			t.Errorf("a stale save of the targets: %d: %.3000s", status, page)
		}
	})
}

// TestTextQuestionsTakeSeveralLines: every text question, not only the
// comment, is a text area on the customer's page and the follow-up form,
// taking what the app takes and refusing one character more.
func TestTextQuestionsTakeSeveralLines(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		ctx := context.Background()
		tpl, err := x.a.CreateSurveyTemplate(ctx, x.admin, survey.Template{Name: "Installation", Questions: []survey.Question{
			{Key: "as_expected", Type: survey.YesNo, Label: "Did it go as expected?", Required: true},
			{Key: "what_happened", Type: survey.Text, Label: "What happened?"}}})
		if err != nil {
			t.Fatal(err)
		}
		inv, err := x.a.SendSurvey(ctx, x.admin, tpl.ID, x.contact.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		path := inv.URL[strings.Index(inv.URL, "/s/"):]
		_, page := x.get(path)
		if !strings.Contains(page, `<textarea id="what_happened" name="what_happened" rows="4" maxlength="2000"`) {
			t.Fatalf("no text area: %.3000s", page)
		}
		long := strings.Repeat("x", survey.MaxTextAnswer)
		status, page := x.post(path, url.Values{"as_expected": {"yes"}, "what_happened": {long + "y"}}.Encode())
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="what_happened-error"`) || !strings.Contains(page, "at most 2000 characters") {
			t.Errorf("one character too many: %d: %.2000s", status, page)
		}
		status, page = x.post(path, url.Values{"as_expected": {"yes"}, "what_happened": {"First line\nsecond line\n" + long[:1900]}}.Encode())
		if status != http.StatusOK || !strings.Contains(page, `id="survey-thanks"`) {
			t.Fatalf("several lines: %d: %.2000s", status, page)
		}
		rs, _, err := x.a.SurveyResponses(ctx, x.admin, store.ResponseFilter{}, store.Page{})
		if err != nil || len(rs) != 1 || !strings.HasPrefix(rs[0].Answers[1].Text, "First line\nsecond line\n") {
			t.Errorf("the answer kept: %+v %v", rs, err)
		}
		// The owner's form of a follow-up asking the same.
		if _, _, err := x.a.SaveSurveySettings(ctx, x.admin, survey.Settings{ExpiryDays: 30, FatigueDays: 14,
			Triggers: []survey.TriggerSetting{{Trigger: survey.CaseClosed, On: true, TemplateID: tpl.ID}}}, -1); err != nil {
			t.Fatal(err)
		}
		fu, err := x.a.RunFollowUp(ctx, survey.CaseClosed, "case", x.caseID)
		if err != nil || fu.ID == "" {
			t.Fatal(fu, err)
		}
		_, page = x.get("/follow-ups/" + fu.ID)
		if !strings.Contains(page, `<textarea id="what_happened" name="what_happened" rows="4" maxlength="2000"`) {
			t.Fatalf("no text area on the follow-up: %.3000s", page)
		}
		if status, page := x.post("/follow-ups/"+fu.ID+"/answers", url.Values{"as_expected": {"yes"}, "what_happened": {"On the phone:\nall fine"}}.Encode()); status != http.StatusSeeOther {
			t.Errorf("the follow-up's answers of two lines: %d: %.2000s", status, page)
		}
	})
}
