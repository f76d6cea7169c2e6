package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/inbox"
	"tandem/internal/store"
)

// SLAOut is how a case stands against its targets.
type SLAOut struct {
	FirstResponseDueAt time.Time  `json:"first_response_due_at"`
	ResolutionDueAt    *time.Time `json:"resolution_due_at" doc:"null while the case waits on the customer or is finished"`
	State              string     `json:"state" enum:"on_track,at_risk,breached,met"`
}

// CaseOut is a case with its SLA.
type CaseOut struct {
	cases.Case
	RespondedAt *time.Time `json:"responded_at" doc:"null until the first response"`
	ResolvedAt  *time.Time `json:"resolved_at" doc:"null until resolved"`
	ClosedAt    *time.Time `json:"closed_at" doc:"null until closed"`
	Confirmed   *bool      `json:"confirmed" doc:"Set when closed: did the customer agree it is resolved? null before"`
	SLA         SLAOut     `json:"sla"`
}

func (s *server) caseOut(c cases.Case) CaseOut {
	v := s.app.SLAOf(c)
	return CaseOut{Case: c, RespondedAt: optTime(c.RespondedAt), ResolvedAt: optTime(c.ResolvedAt), ClosedAt: optTime(c.ClosedAt), Confirmed: c.Confirmed,
		SLA: SLAOut{FirstResponseDueAt: v.FirstResponseDueAt, ResolutionDueAt: optTime(v.ResolutionDueAt), State: string(v.State)}}
}

// CommentOut is a comment on a case; it never changes, so its version is 1.
type CommentOut struct {
	store.Comment
	Version int64 `json:"version" doc:"Always 1: a comment does not change"`
}

// NotificationOut is a notification; read_at is null while unread.
type NotificationOut struct {
	inbox.Notification
	ReadAt *time.Time `json:"read_at" doc:"null while unread"`
}

func notificationsOut(list []inbox.Notification) []NotificationOut {
	out := make([]NotificationOut, len(list))
	for i, n := range list {
		out[i] = NotificationOut{Notification: n, ReadAt: optTime(n.ReadAt)}
	}
	return out
}

type caseBody struct {
	ETag string `header:"ETag"`
	Body CaseOut
}

func (s *server) registerCases(api huma.API) {
	tag := "Cases"
	register(api, op("list-cases", http.MethodGet, "/api/v1/cases", "Cases in queue order: the soonest resolution due first", tag),
		func(ctx context.Context, in *struct {
			ListParams
			AccountID  string   `query:"account_id"`
			AssigneeID string   `query:"assignee_id"`
			Category   string   `query:"category"`
			Status     []string `query:"status" enum:"new,open,pending_customer,resolved,closed" doc:"One or more statuses; default all"`
			Order      string   `query:"order" enum:"due,newest" default:"due" doc:"due: the next deadline first (the queue); newest: most recently opened first"`
			SLAState   string   `query:"sla_state" enum:"on_track,at_risk,breached," doc:"Only cases whose next deadline is in this state"`
		}) (*struct{ Body List[CaseOut] }, error) {
			f := store.CaseFilter{AccountID: in.AccountID, AssigneeID: in.AssigneeID, Category: in.Category, Newest: in.Order == "newest", SLAState: in.SLAState}
			for _, st := range in.Status {
				f.Statuses = append(f.Statuses, cases.Status(st))
			}
			list, next, err := s.app.Cases(ctx, actor(ctx), f, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[CaseOut] }{}
			out.Body.Items, out.Body.NextCursor = make([]CaseOut, len(list)), next
			for i, c := range list {
				out.Body.Items[i] = s.caseOut(c)
			}
			return out, nil
		})

	register(api, op("open-case", http.MethodPost, "/api/v1/cases", "Open a case; the account's owner hears of it at once", tag),
		func(ctx context.Context, in *struct {
			Idempotent
			Body struct {
				AccountID   string `json:"account_id"`
				ContactID   string `json:"contact_id,omitempty"`
				Subject     string `json:"subject" maxLength:"200"`
				Description string `json:"description,omitempty" text:"multiline"`
				Category    string `json:"category,omitempty" maxLength:"100" doc:"Defaults to general"`
				Priority    string `json:"priority,omitempty" enum:"low,normal,high,urgent" doc:"Defaults to normal"`
				AssigneeID  string `json:"assignee_id,omitempty"`
				Channel     string `json:"channel,omitempty" maxLength:"50"`
			}
		}) (*caseBody, error) {
			b := in.Body
			c, err := s.app.OpenCase(ctx, actor(ctx), cases.Case{AccountID: b.AccountID, ContactID: b.ContactID, Subject: b.Subject, Description: b.Description,
				Category: b.Category, Priority: b.Priority, AssigneeID: b.AssigneeID, Channel: b.Channel})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &caseBody{ETag: etag(c.Version), Body: s.caseOut(c)}, nil
		})

	register(api, op("get-case", http.MethodGet, "/api/v1/cases/{id}", "Get a case", tag),
		func(ctx context.Context, in *IDParam) (*caseBody, error) {
			c, err := s.app.Case(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &caseBody{ETag: etag(c.Version), Body: s.caseOut(c)}, nil
		})

	tr := op("transition-case", http.MethodPost, "/api/v1/cases/{id}/transitions", "Move a case: open, pending_customer, resolved (with a solution), closed (confirmed or not), or reopen", tag)
	tr.DefaultStatus = http.StatusOK
	register(api, tr, func(ctx context.Context, in *struct {
		IDParam
		Precondition
		Body struct {
			To        string `json:"to" enum:"new,open,pending_customer,resolved,closed"`
			Solution  string `json:"solution,omitempty" text:"multiline" doc:"Required to resolve"`
			Confirmed *bool  `json:"confirmed,omitempty" doc:"Required to close: did the customer agree the solution resolved their situation?"`
			Reason    string `json:"reason,omitempty" maxLength:"2000" text:"multiline" doc:"Required to close unconfirmed; recorded when reopening"`
		}
	}) (*caseBody, error) {
		b := in.Body
		c, err := s.app.TransitionCase(ctx, actor(ctx), in.ID, cases.Transition{To: cases.Status(b.To), Solution: b.Solution, Confirmed: b.Confirmed, Reason: b.Reason}, ifMatch(in.IfMatch))
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &caseBody{ETag: etag(c.Version), Body: s.caseOut(c)}, nil
	})

	register(api, op("list-case-comments", http.MethodGet, "/api/v1/cases/{id}/comments", "A case's comments, oldest first", tag),
		func(ctx context.Context, in *struct {
			IDParam
			ListParams
		}) (*struct{ Body List[CommentOut] }, error) {
			list, err := s.app.Comments(ctx, actor(ctx), in.ID)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			all := make([]CommentOut, len(list))
			for i, c := range list {
				all[i] = CommentOut{Comment: c, Version: 1}
			}
			out := &struct{ Body List[CommentOut] }{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf(all, in.ListParams); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})

	register(api, op("comment-case", http.MethodPost, "/api/v1/cases/{id}/comments", "Comment on a case, internally or to the customer", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Idempotent
			Body struct {
				Body     string `json:"body" text:"multiline"`
				Internal bool   `json:"internal,omitempty" doc:"true: only colleagues see it"`
				Minutes  int    `json:"minutes,omitempty" doc:"Time spent, which feeds cost to serve"`
			}
		}) (*struct {
			ETag string `header:"ETag"`
			Body CommentOut
		}, error) {
			cm, err := s.app.CommentCase(ctx, actor(ctx), in.ID, in.Body.Body, in.Body.Internal, in.Body.Minutes)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct {
				ETag string `header:"ETag"`
				Body CommentOut
			}{ETag: etag(1), Body: CommentOut{Comment: cm, Version: 1}}, nil
		})

	ntag := "Notifications"
	register(api, op("list-notifications", http.MethodGet, "/api/v1/notifications", "The caller's notifications, newest first", ntag),
		func(ctx context.Context, in *struct {
			ListParams
			Unread    bool   `query:"unread" doc:"Only unread ones"`
			AccountID string `query:"account_id" doc:"Only those about this account"`
		}) (*struct {
			Body struct {
				List[NotificationOut]
				Unread int `json:"unread" doc:"How many are unread (of every account)"`
			}
		}, error) {
			list, next, err := s.app.Notifications(ctx, actor(ctx), store.NotificationFilter{UnreadOnly: in.Unread, AccountID: in.AccountID}, store.Page{Cursor: in.Cursor, Limit: in.Limit})
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			n, err := s.app.UnreadCount(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct {
				Body struct {
					List[NotificationOut]
					Unread int `json:"unread" doc:"How many are unread (of every account)"`
				}
			}{}
			out.Body.Items, out.Body.NextCursor, out.Body.Unread = notificationsOut(list), next, n
			return out, nil
		})

	register(api, op("get-notification-preferences", http.MethodGet, "/api/v1/me/notification-preferences", "Per kind of notification, whether the caller also wants it by email", ntag),
		func(ctx context.Context, _ *struct{}) (*struct{ Body map[string]bool }, error) {
			p, err := s.app.EmailPreferences(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &struct{ Body map[string]bool }{Body: p}, nil
		})
	prefs := op("set-notification-preferences", http.MethodPut, "/api/v1/me/notification-preferences", "Choose per kind whether to get it by email too (sent when the server has --smtp)", ntag)
	register(api, prefs, func(ctx context.Context, in *struct{ Body map[string]bool }) (*struct{ Body map[string]bool }, error) {
		p, err := s.app.SetEmailPreferences(ctx, actor(ctx), in.Body)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct{ Body map[string]bool }{Body: p}, nil
	})

	read := op("read-notification", http.MethodPost, "/api/v1/notifications/{id}/read", "Mark a notification read", ntag)
	read.DefaultStatus = http.StatusNoContent
	register(api, read, func(ctx context.Context, in *IDParam) (*NoContent, error) {
		if err := s.app.MarkRead(ctx, actor(ctx), in.ID); err != nil {
			return nil, s.problem(ctx, err)
		}
		return &NoContent{}, nil
	})
	readAll := op("read-all-notifications", http.MethodPost, "/api/v1/notifications/read", "Mark all the caller's notifications read", ntag)
	readAll.DefaultStatus = http.StatusNoContent
	register(api, readAll, func(ctx context.Context, in *struct {
		UpTo time.Time `query:"up_to" doc:"Only those created up to this moment (RFC 3339), e.g. when the list was fetched; all when absent"`
	}) (*NoContent, error) {
		if err := s.app.MarkAllRead(ctx, actor(ctx), in.UpTo); err != nil {
			return nil, s.problem(ctx, err)
		}
		return &NoContent{}, nil
	})
}

func (s *server) registerCaseWork(api huma.API) {
	tag := "Cases"
	register(api, op("list-case-categories", http.MethodGet, "/api/v1/case-categories", "The categories cases are filed under", tag),
		func(ctx context.Context, in *ListParams) (*struct{ Body List[store.Category] }, error) {
			list, err := s.app.Categories(ctx, actor(ctx))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct{ Body List[store.Category] }{}
			if out.Body.Items, out.Body.NextCursor, err = pageOf(list, *in); err != nil {
				return nil, s.problem(ctx, err)
			}
			return out, nil
		})
	saveCat := op("save-case-category", http.MethodPut, "/api/v1/case-categories/{name}", "Add a category or retire one (managers)", tag)
	register(api, saveCat, func(ctx context.Context, in *struct {
		Name string `path:"name" maxLength:"60" doc:"The category's name"`
		Body struct {
			Active bool `json:"active" doc:"false retires it: existing cases keep it, new ones cannot use it"`
		}
	}) (*struct{ Body store.Category }, error) {
		c, err := s.app.SaveCategory(ctx, actor(ctx), store.Category{Name: in.Name, Active: in.Body.Active})
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &struct{ Body store.Category }{Body: c}, nil
	})
	register(api, op("update-case", http.MethodPatch, "/api/v1/cases/{id}", "Change a case's details, priority or assignee", tag),
		func(ctx context.Context, in *struct {
			IDParam
			Precondition
			Body struct {
				Subject     *string `json:"subject,omitempty" maxLength:"200"`
				Description *string `json:"description,omitempty" text:"multiline"`
				Category    *string `json:"category,omitempty" maxLength:"100"`
				Priority    *string `json:"priority,omitempty" enum:"low,normal,high,urgent"`
				AssigneeID  *string `json:"assignee_id,omitempty"`
				ContactID   *string `json:"contact_id,omitempty"`
			}
		}) (*caseBody, error) {
			b := in.Body
			c, err := s.app.UpdateCase(ctx, actor(ctx), in.ID, app.CasePatch{Subject: b.Subject, Description: b.Description, Category: b.Category,
				Priority: b.Priority, AssigneeID: b.AssigneeID, ContactID: b.ContactID}, ifMatch(in.IfMatch))
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			return &caseBody{ETag: etag(c.Version), Body: s.caseOut(c)}, nil
		})

	register(api, op("case-confirmation-rates", http.MethodGet, "/api/v1/case-metrics/confirmation", "How many closed cases the customer confirmed, by agent and by category", tag),
		func(ctx context.Context, in *struct {
			From time.Time `query:"from" doc:"RFC 3339; default 90 days ago"`
			To   time.Time `query:"to" doc:"RFC 3339; default now"`
		}) (*struct {
			Body struct {
				ByAgent    []app.ConfirmationRate `json:"by_agent" doc:"key: the assignee's user id (empty: unassigned)"`
				ByCategory []app.ConfirmationRate `json:"by_category"`
			}
		}, error) {
			from := in.From
			if from.IsZero() {
				to := in.To
				if to.IsZero() {
					to = s.app.Now()
				}
				from = to.AddDate(0, 0, -90)
			}
			agents, cats, err := s.app.ConfirmationRates(ctx, actor(ctx), from, in.To)
			if err != nil {
				return nil, s.problem(ctx, err)
			}
			out := &struct {
				Body struct {
					ByAgent    []app.ConfirmationRate `json:"by_agent" doc:"key: the assignee's user id (empty: unassigned)"`
					ByCategory []app.ConfirmationRate `json:"by_category"`
				}
			}{}
			out.Body.ByAgent, out.Body.ByCategory = nonNil(agents), nonNil(cats)
			return out, nil
		})
}
