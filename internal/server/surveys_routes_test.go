package server_test

import (
	"context"
	"maps"
	"net/url"
	"strconv"

	"tandem/internal/survey"
)

// newInvitation is an open invitation for a new contact of the world's
// account.
func (w *world) newInvitation() survey.Invitation {
	inv, err := w.a.SendSurvey(context.Background(), w.actor("sales"), survey.FollowUpID, w.newContact().ID, "", "")
	if err != nil {
		w.t.Fatal(err)
	}
	return inv
}

// newFollowUp is a follow-up of a new case at the world's account.
func (w *world) newFollowUp() string {
	fu, err := w.a.RunFollowUp(context.Background(), survey.CaseClosed, "case", w.newCase())
	if err != nil || fu.ID == "" {
		w.t.Fatal(fu, err)
	}
	return fu.ID
}

const surveySettingsBody = `{"expiry_days":30,"fatigue_days":14,"triggers":[{"trigger":"case_closed","on":true,"delay_hours":24,` +
	`"template_id":"` + survey.FollowUpID + `"}]}`

const surveyTemplateBody = `{"name":"After installation","questions":[{"key":"as_expected","type":"yes_no","label":"Did it go as expected?","required":true},` +
	`{"key":"csat","type":"csat","label":"How satisfied are you?"}]}`

// templateForm is a survey template's form as its page posts it.
var templateForm = url.Values{"survey_name": {"After installation"}, "questions.0.key": {"delivery_days"}, "questions.0.type": {"yardstick"},
	"questions.0.label": {"How many days should it take?"}, "questions.0.unit": {"days"}, "questions.0.position": {"1"},
	"questions.1.key": {""}, "questions.1.type": {"yes_no"}, "questions.1.label": {""}}

// addSurveyRows adds the rows of the survey routes.
func addSurveyRows(api, pages map[string]row) {
	managers := []string{"admin", "manager"}
	// The world's seller owns its account and sent its invitations: the
	// service agent may not record their customer's answers.
	recorders := []string{"admin", "manager", "sales"}
	maps.Copy(api, map[string]row{
		"GET /api/v1/surveys":        {fixed("/api/v1/surveys", ""), apiRead},
		"POST /api/v1/surveys":       {fixed("/api/v1/surveys", surveyTemplateBody), apiOnly(201, managers...)},
		"GET /api/v1/surveys/{id}":   {fixed("/api/v1/surveys/"+survey.YardstickID, ""), apiRead},
		"PATCH /api/v1/surveys/{id}": {fixed("/api/v1/surveys/"+survey.YardstickID, `{"description":"What you expect of us"}`), apiOnly(200, managers...)},
		"POST /api/v1/surveys/{id}/send": {func(w *world) (string, string) {
			return "/api/v1/surveys/" + survey.FollowUpID + "/send", `{"contact_id":"` + w.newContact().ID + `"}`
		}, apiWrite(201)},
		"GET /api/v1/survey-settings":       {fixed("/api/v1/survey-settings", ""), apiRead},
		"PUT /api/v1/survey-settings":       {fixed("/api/v1/survey-settings", surveySettingsBody), apiOnly(200, managers...)},
		"GET /api/v1/yardstick-targets":     {fixed("/api/v1/yardstick-targets", ""), apiRead},
		"PUT /api/v1/yardstick-targets":     {fixed("/api/v1/yardstick-targets", `{"targets":{"delivery_days":5,"first_response_hours":8}}`), apiOnly(200, managers...)},
		"POST /api/v1/survey-keys/rotate":   {fixed("/api/v1/survey-keys/rotate", ""), apiAdmin(200)},
		"GET /api/v1/survey-responses":      {fixed("/api/v1/survey-responses?trigger=manual&from=2026-01-01", ""), apiRead},
		"GET /api/v1/survey-responses/{id}": {fixed("/api/v1/survey-responses/01a20535-0000-7000-8000-000000000000", ""), rule{ok: 404, scope: apiRead.scope, out: 401}},
		"GET /api/v1/follow-ups": {func(w *world) (string, string) {
			w.newFollowUp()
			return "/api/v1/follow-ups?account_id=" + w.account.ID, ""
		}, apiRead},
		"GET /api/v1/follow-ups/{id}": {func(w *world) (string, string) { return "/api/v1/follow-ups/" + w.newFollowUp(), "" }, apiRead},
		"POST /api/v1/survey-responses": {func(w *world) (string, string) {
			return "/api/v1/survey-responses", `{"invitation_id":"` + w.newInvitation().ID + `","answers":{"as_expected":"yes","delivered_as_promised":"yes",` +
				`"met_expectations":"yes","nps":"8"}}`
		}, apiOnly(201, recorders...)},
	})
	maps.Copy(pages, map[string]row{
		// The customer's survey page is public; its link is the credential.
		"GET /s/{token}":  {fixed("/s/01a20535-0000-7000-8000-000000000000.01a20535-0000-7000-8000-000000000001.forged", ""), public(404)},
		"POST /s/{token}": {fixed("/s/01a20535-0000-7000-8000-000000000000.abc.forged", form(url.Values{"nps": {"9"}})), public(404)},
		"GET /surveys":    {fixed("/surveys", ""), pageRead},
		"POST /surveys/settings": {fixed("/surveys/settings", form(url.Values{"expiry_days": {"30"}, "fatigue_days": {"14"},
			"case_closed.on": {"1"}, "case_closed.delay_hours": {"24"}, "case_closed.template_id": {survey.FollowUpID},
			"order_delivered.delay_hours": {"72"}, "order_delivered.template_id": {survey.FollowUpID},
			"deal_won.delay_hours": {"336"}, "deal_won.template_id": {survey.FollowUpID},
			"promise_kept.delay_hours": {"24"}, "promise_kept.template_id": {survey.FollowUpID}})), formOnly(303, managers...)},
		"POST /surveys/targets": {func(w *world) (string, string) {
			_, v, err := w.a.YardstickTargetSetting(context.Background(), w.actor("sales"))
			if err != nil {
				w.t.Fatal(err)
			}
			return "/surveys/targets", form(url.Values{"targets_version": {strconv.FormatInt(v, 10)}, "targets.delivery_days": {"5"}})
		}, formOnly(303, managers...)},
		"GET /surveys/new":  {fixed("/surveys/new", ""), pageRead},
		"POST /surveys":     {fixed("/surveys", form(templateForm)), formOnly(303, managers...)},
		"GET /surveys/{id}": {fixed("/surveys/"+survey.FollowUpID, ""), pageRead},
		"POST /surveys/{id}": {func(w *world) (string, string) {
			t, err := w.a.SurveyTemplate(context.Background(), w.actor("sales"), survey.YardstickID)
			if err != nil {
				w.t.Fatal(err)
			}
			f := url.Values{"version": {strconv.FormatInt(t.Version, 10)}}
			maps.Copy(f, templateForm)
			return "/surveys/" + survey.YardstickID, form(f)
		}, formOnly(303, managers...)},
		"POST /contacts/{id}/surveys": {func(w *world) (string, string) { return "/contacts/" + w.newContact().ID + "/surveys", "" }, formWrite(303)},
		"GET /follow-ups/{id}":        {func(w *world) (string, string) { return "/follow-ups/" + w.newFollowUp(), "" }, pageRead},
		"POST /follow-ups/{id}/answers": {func(w *world) (string, string) {
			return "/follow-ups/" + w.newFollowUp() + "/answers", form(url.Values{"as_expected": {"yes"}, "delivered_as_promised": {"yes"},
				"met_expectations": {"yes"}, "nps": {"8"}})
		}, formOnly(303, recorders...)},
	})
}
