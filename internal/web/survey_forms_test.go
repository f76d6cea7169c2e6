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
	}
}
