package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/fault"
)

// The service has one calendar and one SLA policy, both named "default".
const settingID = "default"

// CalendarOut is the service calendar.
type CalendarOut struct {
	ID       string            `json:"id"`
	Name     string            `json:"name"`
	TimeZone string            `json:"time_zone"`
	Hours    map[string]string `json:"hours" doc:"Working hours per weekday, e.g. {\"monday\": \"09:00-12:30,13:30-17:00\"}"`
	Holidays []string          `json:"holidays" doc:"Dates without work, YYYY-MM-DD"`
	Version  int64             `json:"version"`
}

// PolicyOut is the SLA policy.
type PolicyOut struct {
	ID      string                                 `json:"id"`
	Name    string                                 `json:"name"`
	Targets map[string]cases.TargetSpec            `json:"targets" doc:"Per priority: first_response and resolution in business time, e.g. \"4h\", \"30m\""`
	Tiers   map[string]map[string]cases.TargetSpec `json:"tiers" doc:"Per tier, priorities whose targets differ"`
	Version int64                                  `json:"version"`
}

func calendarOut(c app.CalendarSetting) CalendarOut {
	return CalendarOut{ID: settingID, Name: c.Name, TimeZone: c.Spec.TimeZone, Hours: c.Spec.Hours, Holidays: nonNil(c.Spec.Holidays), Version: c.Version}
}

func policyOut(p app.PolicySetting) PolicyOut {
	return PolicyOut{ID: settingID, Name: p.Name, Targets: p.Spec.Targets, Tiers: p.Spec.Tiers, Version: p.Version}
}

// settingVersion reads If-Match for a setting, whose version is 0 until
// first saved: -1 without the header (no check), -2 when it names no version.
func settingVersion(h string) int64 {
	v, present, ok := etagVersion(h)
	switch {
	case !present:
		return -1
	case !ok:
		return -2
	}
	return v
}

func known(id string) error {
	if id != settingID {
		return fault.NotFoundf("there is one service calendar and one SLA policy, with the id %q", settingID)
	}
	return nil
}

func (s *server) registerSettings(api huma.API) {
	tag := "SLA"
	register(api, op("list-calendars", http.MethodGet, "/api/v1/calendars", "The service calendar (business hours and holidays)", tag),
		func(ctx context.Context, in *ListParams) (*struct{ Body List[CalendarOut] }, error) {
			c, err := s.app.Calendar(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[CalendarOut] }{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf([]CalendarOut{calendarOut(c)}, *in); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})
	register(api, op("get-calendar", http.MethodGet, "/api/v1/calendars/{id}", "Get the service calendar", tag),
		func(ctx context.Context, in *IDParam) (*struct {
			ETag string `header:"ETag"`
			Body CalendarOut
		}, error) {
			if err := known(in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			c, err := s.app.Calendar(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body CalendarOut
			}{ETag: etag(c.Version), Body: calendarOut(c)}, nil
		})
	register(api, op("update-calendar", http.MethodPatch, "/api/v1/calendars/{id}", "Change the service calendar (managers); new cases use it", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Name     *string           `json:"name,omitempty" maxLength:"100"`
				TimeZone *string           `json:"time_zone,omitempty" maxLength:"100"`
				Hours    map[string]string `json:"hours,omitempty"`
				Holidays []string          `json:"holidays,omitempty"`
			}
		}) (*struct {
			ETag string `header:"ETag"`
			Body CalendarOut
		}, error) {
			if err := known(in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			cur, err := s.app.Calendar(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			if in.Body.Name != nil {
				cur.Name = *in.Body.Name
			}
			if in.Body.TimeZone != nil {
				cur.Spec.TimeZone = *in.Body.TimeZone
			}
			if in.Body.Hours != nil {
				cur.Spec.Hours = in.Body.Hours
			}
			if in.Body.Holidays != nil {
				cur.Spec.Holidays = in.Body.Holidays
			}
			saved, err := s.app.SaveCalendar(ctx, actor(ctx), cur, settingVersion(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body CalendarOut
			}{ETag: etag(saved.Version), Body: calendarOut(saved)}, nil
		})

	register(api, op("list-sla-policies", http.MethodGet, "/api/v1/sla-policies", "The SLA policy: targets per priority and tier", tag),
		func(ctx context.Context, in *ListParams) (*struct{ Body List[PolicyOut] }, error) {
			p, err := s.app.Policy(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[PolicyOut] }{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf([]PolicyOut{policyOut(p)}, *in); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})
	register(api, op("get-sla-policy", http.MethodGet, "/api/v1/sla-policies/{id}", "Get the SLA policy", tag),
		func(ctx context.Context, in *IDParam) (*struct {
			ETag string `header:"ETag"`
			Body PolicyOut
		}, error) {
			if err := known(in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			p, err := s.app.Policy(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body PolicyOut
			}{ETag: etag(p.Version), Body: policyOut(p)}, nil
		})
	register(api, op("update-sla-policy", http.MethodPatch, "/api/v1/sla-policies/{id}", "Change the SLA policy (managers); new cases use it", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Name    *string                                `json:"name,omitempty" maxLength:"100"`
				Targets map[string]cases.TargetSpec            `json:"targets,omitempty"`
				Tiers   map[string]map[string]cases.TargetSpec `json:"tiers,omitempty"`
			}
		}) (*struct {
			ETag string `header:"ETag"`
			Body PolicyOut
		}, error) {
			if err := known(in.ID); err != nil {
				return nil, s.problem(ctx, err)
			}
			cur, err := s.app.Policy(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			if in.Body.Name != nil {
				cur.Name = *in.Body.Name
			}
			if in.Body.Targets != nil {
				cur.Spec.Targets = in.Body.Targets
			}
			if in.Body.Tiers != nil {
				cur.Spec.Tiers = in.Body.Tiers
			}
			saved, err := s.app.SavePolicy(ctx, actor(ctx), cur, settingVersion(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body PolicyOut
			}{ETag: etag(saved.Version), Body: policyOut(saved)}, nil
		})
}
