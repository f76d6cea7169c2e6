package web_test

import (
	"context"
	"net/url"
	"strings"

	"tandem/internal/cases"
	"tandem/internal/survey"
)

// surveyForms are the survey forms, filled in so that they would be
// saved: the customer's page behind their link, and the owner's record of
// a follow-up call.
func (x *site) surveyForms() map[string]form {
	ctx := context.Background()
	inv, err := x.a.SendSurvey(ctx, x.admin, survey.FollowUpID, x.contact.ID, "", "")
	if err != nil {
		x.t.Fatal(err)
	}
	c, err := x.a.OpenCase(ctx, x.admin, cases.Case{AccountID: x.account.ID, Subject: "Follow-up form"})
	if err != nil {
		x.t.Fatal(err)
	}
	fu, err := x.a.RunFollowUp(ctx, survey.CaseClosed, "case", c.ID)
	if err != nil || fu.ID == "" {
		x.t.Fatal(fu, err)
	}
	answers := url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"no"}, "met_expectations": {"yes"}, "nps": {"7"},
		"comment": {"Late again"}}
	return map[string]form{
		"POST /s/{token}":               {"/s/" + inv.URL[strings.Index(inv.URL, "/s/")+3:], answers},
		"POST /follow-ups/{id}/answers": {"/follow-ups/" + fu.ID + "/answers", answers},
		"POST /surveys/settings": {"/surveys/settings", url.Values{"expiry_days": {"30"}, "fatigue_days": {"14"}, "case_closed.on": {"1"},
			"case_closed.delay_hours": {"24"}, "case_closed.template_id": {survey.FollowUpID}}},
		"POST /contacts/{id}/surveys": {"/contacts/" + x.contact.ID + "/surveys", url.Values{"template_id": {survey.FollowUpID}}},
		"POST /surveys/targets":       {"/surveys/targets", url.Values{"targets_version": {"0"}, "targets.delivery_days": {"5"}, "targets.first_response_hours": {"8"}}},
		"POST /surveys":               {"/surveys", templateFields("After installation", nil)},
		"POST /surveys/{id}":          {"/surveys/" + survey.YardstickID, templateFields("Your yardstick", url.Values{"version": {"1"}, "template_version": {"1"}})},
	}
}

// templateFields is a template form as its page sends it: two questions
// and the blank row.
func templateFields(name string, more url.Values) url.Values {
	f := url.Values{"survey_name": {name}, "survey_description": {"After the\ninstallation"},
		"questions.0.key": {"delivery_days"}, "questions.0.type": {"yardstick"}, "questions.0.label": {"How many days should it take?"},
		"questions.0.help": {""}, "questions.0.metric": {"delivery_days"}, "questions.0.unit": {"days"}, "questions.0.position": {"1"},
		"questions.0.required": {"1"},
		"questions.1.key":      {"comment"}, "questions.1.type": {"text"}, "questions.1.label": {"Anything else?"}, "questions.1.help": {""},
		"questions.1.metric": {""}, "questions.1.unit": {""}, "questions.1.position": {"2"},
		"questions.2.key": {""}, "questions.2.type": {"yes_no"}, "questions.2.label": {""}, "questions.2.help": {""},
		"questions.2.metric": {""}, "questions.2.unit": {""}, "questions.2.position": {"3"}}
	for k, v := range more {
		f[k] = v
	}
	return f
}
