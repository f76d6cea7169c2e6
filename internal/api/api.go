// Package api is Tandem's JSON API under /api/v1, described by the OpenAPI
// 3.1 document served at /api/openapi.json, which is generated from the
// handlers registered here.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/promise"
)

// MaxBody is the largest request body the API reads.
const MaxBody = 1 << 20

// Problem is an RFC 9457 problem details answer.
type Problem struct {
	Type       string               `json:"type,omitempty" doc:"A URI naming the kind of problem"`
	Title      string               `json:"title" doc:"A short summary of the kind of problem"`
	Status     int                  `json:"status" doc:"The HTTP status code"`
	Detail     string               `json:"detail,omitempty" doc:"What happened and what to do about it"`
	Errors     []fault.FieldError   `json:"errors,omitempty" doc:"The fields at fault"`
	Candidates []customer.Candidate `json:"candidates,omitempty" doc:"Existing records this one may duplicate"`
	// PolicyWarnings are the service policies a promise goes against (409).
	PolicyWarnings []promise.PolicyWarning `json:"policy_warnings,omitempty" doc:"The service policies a promise goes against"`
}

func (p *Problem) Error() string  { return p.Detail }
func (p *Problem) GetStatus() int { return p.Status }

// ContentType makes problems application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return "application/problem+json"
	}
	return ct
}

func newProblem(status int, detail string) *Problem {
	return &Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail}
}

func init() {
	huma.DefaultArrayNullable = false // a list is [] when empty, never null
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		p := newProblem(status, msg)
		for _, e := range errs {
			if e == nil {
				continue
			}
			var d *huma.ErrorDetail
			if errors.As(e, &d) && d.Location == "path.id" {
				// An id that cannot be an id names no record.
				return newProblem(http.StatusNotFound, "there is no record with this id")
			}
			if errors.As(e, &d) {
				field := d.Location
				for _, prefix := range []string{"body.", "query.", "path.", "header."} {
					field = strings.TrimPrefix(field, prefix)
				}
				if status == http.StatusBadRequest && d.Location == "body" {
					// Malformed JSON: say where, never echo the body.
					p.Detail = "the request body is not valid JSON: " + d.Message
					continue
				}
				p.Errors = append(p.Errors, fault.FieldError{Field: field, Message: d.Message})
				continue
			}
			p.Errors = append(p.Errors, fault.FieldError{Message: e.Error()})
		}
		if status == http.StatusUnprocessableEntity && msg == "validation failed" {
			p.Detail = "some values are not valid"
		}
		return p
	}
}

// problem turns an app error into a problem answer.
func (s *server) problem(ctx context.Context, err error) error {
	e, ok := fault.As(err)
	if !ok && ctx.Err() != nil {
		// The client hung up: not a failure of ours, and nobody reads the answer.
		s.log.DebugContext(ctx, "client went away", "err", err)
		return newProblem(http.StatusServiceUnavailable, "the request was cancelled")
	}
	if !ok {
		s.log.ErrorContext(ctx, "request failed", "err", err)
		return newProblem(http.StatusInternalServerError, "something went wrong on our side; try again, and tell an admin if it keeps happening")
	}
	status := map[fault.Kind]int{
		fault.Invalid: http.StatusUnprocessableEntity, fault.NotFound: http.StatusNotFound, fault.Conflict: http.StatusConflict,
		fault.Stale: http.StatusPreconditionFailed, fault.Forbidden: http.StatusForbidden, fault.Unauthorized: http.StatusUnauthorized,
		fault.Throttled: http.StatusTooManyRequests,
	}[e.Kind]
	if status == 0 {
		status = http.StatusInternalServerError
	}
	p := newProblem(status, e.Message)
	p.Errors = e.Fields
	if c, ok := e.Detail.([]customer.Candidate); ok {
		p.Candidates = c
	}
	if w, ok := e.Detail.([]promise.PolicyWarning); ok {
		p.PolicyWarnings = w
	}
	if wait, ok := e.Detail.(time.Duration); ok && e.Kind == fault.Throttled {
		secs := int(wait.Seconds()) + 1
		return huma.ErrorWithHeaders(p, http.Header{"Retry-After": {strconv.Itoa(secs)}})
	}
	return p
}

type server struct {
	app *app.App
	log *slog.Logger
}

// Metadata keys on operations.
const (
	public    = "public"     // no sign-in needed
	needAdmin = "admin_only" // needs a token with admin scope
)

// New registers the API on mux and returns the huma API (for its OpenAPI).
func New(mux *http.ServeMux, a *app.App, log *slog.Logger) huma.API {
	cfg := huma.DefaultConfig("Tandem", "1.0.0")
	cfg.Info.Description = "Tandem puts sales and service on one customer record. Authenticate with `Authorization: Bearer <token>` or a browser session."
	cfg.Info.License = &huma.License{Name: "Proprietary: all rights reserved by the Tandem maintainers"}
	cfg.Info.Contact = &huma.Contact{Name: "The Tandem maintainers"}
	cfg.Servers = []*huma.Server{{URL: "{scheme}://{host}", Description: "Your Tandem server (tandem serve --addr)",
		Variables: map[string]*huma.ServerVariable{
			"scheme": {Default: "http", Enum: []string{"http", "https"}, Description: "https with --tls-cert or behind a proxy"},
			"host":   {Default: "127.0.0.1:8080", Description: "Host and port"},
		}}}
	cfg.Tags = tags
	cfg.Components.Schemas = huma.NewMapRegistry("#/components/schemas/", schemaName)
	cfg.OpenAPIPath = "/api/openapi"
	cfg.DocsPath = ""
	cfg.SchemasPath = "/api/schemas"
	cfg.CreateHooks = nil // no $schema links in bodies
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer":  {Type: "http", Scheme: "bearer", Description: "An API token from `tandem token create` or /api/v1/tokens"},
		"session": {Type: "apiKey", In: "cookie", Name: "tandem_session", Description: "A browser session from POST /api/v1/session"},
	}
	cfg.Security = []map[string][]string{{"bearer": {}}, {"session": {}}}
	api := humago.New(mux, cfg)
	s := &server{app: a, log: log}
	api.UseMiddleware(s.authorize(api), cleanBody(api))
	s.registerSession(api)
	s.registerUsers(api)
	s.registerAccounts(api)
	s.registerContacts(api)
	s.registerInteractions(api)
	s.registerAudit(api)
	s.registerCases(api)
	s.registerSettings(api)
	s.registerCaseWork(api)
	s.registerPolicies(api)
	s.registerPromises(api)
	s.registerGoodwill(api)
	s.registerOrders(api)
	s.registerPromotions(api)
	s.registerDeals(api)
	s.registerSurveys(api)
	s.registerTasks(api)
	s.registerCompetitors(api)
	describeOutputs(api)
	return api
}

// authorize refuses requests without a caller (401) or whose token scope
// does not cover the operation (403).
func (s *server) authorize(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op.Metadata[public] == true {
			next(ctx)
			return
		}
		c, ok := access.CallerFrom(ctx.Context())
		if !ok {
			ctx.SetHeader("WWW-Authenticate", `Bearer realm="tandem"`)
			huma.WriteErr(api, ctx, http.StatusUnauthorized, "sign in or send an API token in the Authorization header")
			return
		}
		write := ctx.Method() != http.MethodGet && ctx.Method() != http.MethodHead
		if !c.Actor.Scope.Allows(write, op.Metadata[needAdmin] == true) {
			huma.WriteErr(api, ctx, http.StatusForbidden, fmt.Sprintf("this token's scope (%s) does not allow this request", c.Actor.Scope))
			return
		}
		next(ctx)
	}
}

func actor(ctx context.Context) access.Actor {
	c, _ := access.CallerFrom(ctx)
	return c.Actor
}

// etag is the entity tag of a version.
func etag(version int64) string { return fmt.Sprintf(`"%d"`, version) }

// etagVersion reads an If-Match header: present is false without one (or
// with "*"), ok is false when it names no version. If-Match compares
// strongly (RFC 9110 13.1.1): a weak tag such as W/"2" matches nothing, and
// neither does an unquoted one.
func etagVersion(h string) (v int64, present, ok bool) {
	h = strings.TrimSpace(h)
	if h == "" || h == "*" {
		return 0, false, true
	}
	if len(h) < 3 || h[0] != '"' || h[len(h)-1] != '"' {
		return 0, true, false
	}
	v, err := strconv.ParseInt(h[1:len(h)-1], 10, 64)
	return v, true, err == nil && v >= 0
}

// ifMatch reads an If-Match header as an expected version; absent is 0
// (no check) and a value that names no version can never match.
func ifMatch(h string) int64 {
	v, present, ok := etagVersion(h)
	switch {
	case !present:
		return 0
	case !ok || v == 0:
		return -1
	}
	return v
}

// Shared input parts.
type (
	// ListParams page through a list.
	ListParams struct {
		Cursor string `query:"cursor" doc:"next_cursor of the previous page"`
		Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Items per page"`
	}
	// IDParam names a record.
	IDParam struct {
		ID string `path:"id" maxLength:"100" doc:"The record's id"`
	}
	// Precondition carries If-Match.
	Precondition struct {
		IfMatch string `header:"If-Match" doc:"The ETag you read; a stale one gets 412"`
	}
	// Idempotent carries Idempotency-Key.
	Idempotent struct {
		IdempotencyKey string `header:"Idempotency-Key" maxLength:"200" doc:"A retried POST with the same key returns the first response and creates nothing new"`
	}
	// NoContent answers 204.
	NoContent struct{}
)

func op(id, method, path, summary string, tags ...string) huma.Operation {
	o := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags, MaxBodyBytes: MaxBody}
	switch method {
	case http.MethodPost:
		o.DefaultStatus = http.StatusCreated
	case http.MethodDelete:
		o.DefaultStatus = http.StatusNoContent
	}
	return o
}

// List is one page of a list.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page"`
}
