package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/survey"
)

type surveyBody struct {
	ETag string `header:"ETag"`
	Body survey.Template
}

// QuestionIn is one question of a template as written.
type QuestionIn struct {
	Key      string `json:"key" maxLength:"40" example:"delivered_as_promised" doc:"Stable name: the form field, the answer's key; lower-case letters, digits and _"`
	Type     string `json:"type" enum:"nps,csat,ces,yes_no,yardstick,text" example:"yes_no" doc:"nps 0–10, csat 1–5, ces 1–7, yes_no, yardstick (a number in a unit for a metric), text"`
	Label    string `json:"label" maxLength:"300" example:"Have we delivered as promised?"`
	Help     string `json:"help,omitempty" maxLength:"300"`
	Required bool   `json:"required,omitempty"`
	Metric   string `json:"metric,omitempty" maxLength:"40" example:"delivery_days" doc:"yardstick: the metric (default the key)"`
	Unit     string `json:"unit,omitempty" maxLength:"40" example:"days" doc:"yardstick: the unit"`
}

func questions(in []QuestionIn) []survey.Question {
	out := make([]survey.Question, len(in))
	for i, q := range in {
		out[i] = survey.Question(q)
	}
	return out
}

// yardstickTargets are the internal targets of the yardstick metrics.
type yardstickTargets struct {
	Targets map[string]float64 `json:"targets" maxProperties:"100" example:"{\"delivery_days\":7,\"first_response_hours\":24}" doc:"metric → target in the metric's unit: a positive number up to 100000"`
}

type targetsBody struct {
	ETag string `header:"ETag"`
	Body yardstickTargets
}

func newTargetsBody(m map[string]float64, version int64) *targetsBody {
	return &targetsBody{ETag: etag(version), Body: yardstickTargets{Targets: m}}
}

// responseOut is a response as the API shows it.
type responseBody struct {
	Body survey.Response
}

// answerFields names each bad answer under answers.<key>.
func answerFields(err error) error {
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.Invalid {
		return err
	}
	out := *e
	out.Fields = make([]fault.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if f.Field != "invitation_id" && f.Field != "follow_up_id" {
			f.Field = "answers." + f.Field
		}
		out.Fields[i] = f
	}
	return &out
}

func (s *server) registerSurveys(api huma.API) {
	tag := "Surveys"
	register(api, op("list-surveys", http.MethodGet, "/api/v1/surveys", "Survey templates, by name", tag),
		func(ctx context.Context, in *struct{}) (*struct{ Body List[survey.Template] }, error) {
			list, err := s.app.SurveyTemplates(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[survey.Template] }{}
			out.Body.Items = list
			return out, nil
		})

	register(api, op("create-survey", http.MethodPost, "/api/v1/surveys", "Add a survey template (managers)", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				Name        string       `json:"name" maxLength:"100" example:"After installation"`
				Description string       `json:"description,omitempty" maxLength:"1000" text:"multiline"`
				Questions   []QuestionIn `json:"questions" maxItems:"30"`
			}
		}) (*surveyBody, error) {
			t, err := s.app.CreateSurveyTemplate(ctx, actor(ctx), survey.Template{Name: in.Body.Name, Description: in.Body.Description,
				Questions: questions(in.Body.Questions)})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &surveyBody{ETag: etag(t.Version), Body: t}, nil
		})

	register(api, op("get-survey", http.MethodGet, "/api/v1/surveys/{id}", "Get a survey template with its current questions", tag),
		func(ctx context.Context, in *IDParam) (*surveyBody, error) {
			t, err := s.app.SurveyTemplate(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &surveyBody{ETag: etag(t.Version), Body: t}, nil
		})

	register(api, op("update-survey", http.MethodPatch, "/api/v1/surveys/{id}",
		"Change a survey template (managers). Once a version was sent or answered it never changes: the edit becomes the next template_version, and old answers keep theirs", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Name        *string       `json:"name,omitempty" maxLength:"100"`
				Description *string       `json:"description,omitempty" maxLength:"1000" text:"multiline"`
				Questions   *[]QuestionIn `json:"questions,omitempty" maxItems:"30"`
			}
		}) (*surveyBody, error) {
			p := app.SurveyPatch{Name: in.Body.Name, Description: in.Body.Description}
			if in.Body.Questions != nil {
				qs := questions(*in.Body.Questions)
				p.Questions = &qs
			}
			t, err := s.app.UpdateSurveyTemplate(ctx, actor(ctx), in.ID, p, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &surveyBody{ETag: etag(t.Version), Body: t}, nil
		})

	register(api, op("send-survey", http.MethodPost, "/api/v1/surveys/{id}/send",
		"Invite a contact to answer: returns the invitation with its url to paste into a chat; when email is on and the contact has an address it also goes by email", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Idempotent
			Body struct {
				ContactID string `json:"contact_id" maxLength:"100"`
				AccountID string `json:"account_id,omitempty" maxLength:"100" doc:"Default the contact's account"`
				Trigger   string `json:"trigger,omitempty" enum:"manual,order_delivered,case_closed,deal_won,promise_kept," doc:"Default manual"`
			}
		}) (*struct {
			ETag string `header:"ETag"`
			Body survey.Invitation
		}, error) {
			inv, err := s.app.SendSurvey(ctx, actor(ctx), in.ID, in.Body.ContactID, in.Body.AccountID, in.Body.Trigger)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body survey.Invitation
			}{etag(inv.Version), inv}, nil
		})

	getSettings := op("get-survey-settings", http.MethodGet, "/api/v1/survey-settings", "How long links work, the fatigue limit, and each trigger's delay, template and switch", tag)
	register(api, getSettings, func(ctx context.Context, in *struct{}) (*struct {
		ETag string `header:"ETag"`
		Body survey.Settings
	}, error) {
		st, v, err := s.app.SurveySettings(ctx, actor(ctx))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct {
			ETag string `header:"ETag"`
			Body survey.Settings
		}{etag(v), st}, nil
	})
	register(api, op("set-survey-settings", http.MethodPut, "/api/v1/survey-settings", "Save the survey settings (managers)", tag),
		func(ctx context.Context, in *struct {
			Precondition
			Body survey.Settings
		}) (*struct {
			ETag string `header:"ETag"`
			Body survey.Settings
		}, error) {
			v := int64(-1)
			if in.IfMatch != "" {
				v = ifMatch(in.IfMatch)
			}
			st, saved, err := s.app.SaveSurveySettings(ctx, actor(ctx), in.Body, v)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body survey.Settings
			}{etag(saved), st}, nil
		})

	register(api, op("get-yardstick-targets", http.MethodGet, "/api/v1/yardstick-targets",
		"The internal target of each yardstick metric, in the metric's unit (default delivery_days 7, first_response_hours 24)", tag),
		func(ctx context.Context, in *struct{}) (*targetsBody, error) {
			m, v, err := s.app.YardstickTargetSetting(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return newTargetsBody(m, v), nil
		})
	register(api, op("set-yardstick-targets", http.MethodPut, "/api/v1/yardstick-targets",
		"Save the yardstick targets (managers): the whole set; a metric left out has no target", tag),
		func(ctx context.Context, in *struct {
			Precondition
			Body yardstickTargets
		}) (*targetsBody, error) {
			v := int64(-1)
			if in.IfMatch != "" {
				v = ifMatch(in.IfMatch)
			}
			m, saved, err := s.app.SaveYardstickTargets(ctx, actor(ctx), in.Body.Targets, v)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return newTargetsBody(m, saved), nil
		})

	rotate := op("rotate-survey-keys", http.MethodPost, "/api/v1/survey-keys/rotate",
		"Add a new key that signs survey links from now on (admins); links already sent keep working", tag)
	rotate.DefaultStatus = http.StatusOK
	rotate.Metadata = map[string]any{needAdmin: true}
	register(api, rotate, func(ctx context.Context, in *struct{}) (*struct {
		Body struct {
			KeyID string `json:"key_id"`
		}
	}, error) {
		id, err := s.app.RotateSurveyKeys(ctx, actor(ctx))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out := &struct {
			Body struct {
				KeyID string `json:"key_id"`
			}
		}{}
		out.Body.KeyID = id
		return out, nil
	})

	register(api, op("list-survey-responses", http.MethodGet, "/api/v1/survey-responses", "Survey responses with their answers, newest first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID string `query:"account_id"`
			Trigger   string `query:"trigger" enum:"manual,order_delivered,case_closed,deal_won,promise_kept,"`
			From      string `query:"from" maxLength:"30" example:"2026-01-01" doc:"Answered on or after: YYYY-MM-DD or RFC 3339"`
			To        string `query:"to" maxLength:"30" example:"2026-02-01" doc:"Answered before: YYYY-MM-DD or RFC 3339"`
		}) (*struct{ Body List[survey.Response] }, error) {
			from, err := parseMoment("from", in.From)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			to, err := parseMoment("to", in.To)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			list, next, err := s.app.SurveyResponses(ctx, actor(ctx), store.ResponseFilter{AccountID: in.AccountID, Trigger: in.Trigger, From: from, To: to},
				store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[survey.Response] }{}
			out.Body.Items, out.Body.NextCursor = list, next
			if out.Body.Items == nil {
				out.Body.Items = []survey.Response{}
			}
			return out, nil
		})

	register(api, op("get-survey-response", http.MethodGet, "/api/v1/survey-responses/{id}", "Get a survey response with its answers", tag),
		func(ctx context.Context, in *IDParam) (*responseBody, error) {
			r, err := s.app.SurveyResponse(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &responseBody{Body: r}, nil
		})

	register(api, op("list-follow-ups", http.MethodGet, "/api/v1/follow-ups",
		"An account's follow-ups, the newest first (at most 100, no further pages): the trigger and its cause, who was asked, "+
			"the call task, the invitation or why it was held back, and once answered the response with its case or deal", tag),
		func(ctx context.Context, in *struct {
			AccountID string `query:"account_id" required:"true" maxLength:"100" doc:"The account whose follow-ups to list"`
			Limit     int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
		}) (*struct{ Body List[app.FollowUpLine] }, error) {
			list, err := s.app.AccountFollowUps(ctx, actor(ctx), in.AccountID, in.Limit)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[app.FollowUpLine] }{}
			out.Body.Items = list
			if out.Body.Items == nil {
				out.Body.Items = []app.FollowUpLine{}
			}
			return out, nil
		})

	register(api, op("get-follow-up", http.MethodGet, "/api/v1/follow-ups/{id}", "Get a follow-up", tag),
		func(ctx context.Context, in *IDParam) (*struct{ Body survey.FollowUp }, error) {
			fu, err := s.app.FollowUp(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct{ Body survey.FollowUp }{Body: fu}, nil
		})

	register(api, op("record-survey-response", http.MethodPost, "/api/v1/survey-responses",
		"Record answers for an invitation or a follow-up (a follow-up call): the loop runs as for the customer's own answers — a problem opens a case "+
			"and tells the owner (survey_problem), a happy customer starts the next sale (next_sale). A bad answer is a 422 naming answers.<key>", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				InvitationID string            `json:"invitation_id,omitempty" maxLength:"100"`
				FollowUpID   string            `json:"follow_up_id,omitempty" maxLength:"100"`
				Answers      map[string]string `json:"answers" maxProperties:"40" maxLength:"2000" text:"multiline" doc:"Answers by question key, as text: \"yes\"/\"no\", a number (\"9\", \"3.5\"), or text"`
			}
		}) (*responseBody, error) {
			r, err := s.app.AnswerSurvey(ctx, actor(ctx), app.AnswerInput{InvitationID: in.Body.InvitationID, FollowUpID: in.Body.FollowUpID, Answers: in.Body.Answers})
			if err != nil {
				return nil, s.problem(ctx, answerFields(err))
			}
			return &responseBody{Body: r}, nil
		})
}

// parseMoment reads a day (YYYY-MM-DD, midnight UTC) or an RFC 3339 time;
// empty is the zero time.
func parseMoment(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return parseDay(field, s)
}
