package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/inbox"
)

// tags group the operations in the document.
var tags = []*huma.Tag{
	{Name: "Session", Description: "Signing in and out, the caller, their password and browser sessions"},
	{Name: "Users", Description: "The people who use Tandem"},
	{Name: "Tokens", Description: "API tokens"},
	{Name: "Audit", Description: "The event log"},
	{Name: "Accounts", Description: "Customers: companies and people, with their timeline"},
	{Name: "Contacts", Description: "People at an account"},
	{Name: "Interactions", Description: "Touches between sales or service and a customer"},
	{Name: "Cases", Description: "Service cases, their comments and categories"},
	{Name: "Notifications", Description: "What reaches a person because something at their accounts needs them"},
	{Name: "SLA", Description: "The service calendar and the SLA policy"},
	{Name: "Goodwill", Description: "Compensation granted to save a relationship, within approval limits per role"},
	{Name: "Promotions", Description: "What sales runs, and the promise each implies"},
	{Name: "Deals", Description: "Sales opportunities moving through the pipeline's stages"},
	{Name: "Promises", Description: "The promise ledger: what sales and service promised customers, watched until kept"},
	{Name: "Orders", Description: "Products, and what customers bought: lines, revenue, cost and margin, and delivery"},
	{Name: "Tasks", Description: "What one person is to do by when, at an account and linked to what caused it; done tasks are on the timeline"},
	{Name: "Competitors", Description: "Whom customers also buy from, and the signs that they shop elsewhere"},
	{Name: "Operations", Description: "Liveness, readiness, metrics and this document"},
}

func enum[T ~string](vs ...T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// outputEnums declares on the answers the closed sets of values the inputs
// already declare: schema name → property → values.
var outputEnums = map[string]map[string][]any{
	"Account": {"kind": enum(customer.Organization, customer.Person), "tier": enum(customer.Tiers...)},
	"Interaction": {"team": enum(customer.Teams...), "channel": enum(customer.Channels...), "direction": enum(customer.Directions...),
		"kind": enum(customer.Kinds...), "outcome": enum(customer.Outcomes...)},
	"CaseOut":         {"priority": enum(cases.Priorities...), "status": enum(cases.New, cases.Open, cases.PendingCustomer, cases.Resolved, cases.Closed)},
	"NotificationOut": {"kind": enum(inbox.Kinds...)},
	"EventOut":        {"team": enum(customer.TeamSales, customer.TeamService, "")},
}

// describeOutputs finishes the document once every operation is
// registered: the enums of the answers and the routes served beside the
// API (health, readiness, metrics and the document itself).
func describeOutputs(api huma.API) {
	doc := api.OpenAPI()
	schemas := doc.Components.Schemas.Map()
	for name, props := range outputEnums {
		s := schemas[name]
		if s == nil {
			panic("api: no schema " + name + " to declare enums on")
		}
		for prop, values := range props {
			p := s.Properties[prop]
			if p == nil {
				panic("api: schema " + name + " has no property " + prop)
			}
			p.Enum = values
			p.PrecomputeMessages()
		}
	}

	text := func(desc, example string) *huma.Response {
		return &huma.Response{Description: desc, Content: map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: huma.TypeString}, Example: example}}}
	}
	problemRef := &huma.Schema{Ref: "#/components/schemas/Problem"}
	problem := func(status int) *huma.Response {
		return &huma.Response{Description: http.StatusText(status), Content: map[string]*huma.MediaType{"application/problem+json": {Schema: problemRef}}}
	}
	none := []map[string][]string{}
	doc.AddOperation(&huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Tags: []string{"Operations"},
		Summary: "Liveness", Description: "Answers ok while the process serves requests. No sign-in needed.", Security: none,
		Responses: map[string]*huma.Response{"200": text("The process is alive", "ok\n")}})
	doc.AddOperation(&huma.Operation{OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Tags: []string{"Operations"},
		Summary: "Readiness", Description: "Answers ready when the database answers, 503 when it does not. No sign-in needed.", Security: none,
		Responses: map[string]*huma.Response{"200": text("Ready to serve", "ready\n"), "503": text("The database is not answering", "database not answering\n")}})
	doc.AddOperation(&huma.Operation{OperationID: "metrics", Method: http.MethodGet, Path: "/metrics", Tags: []string{"Operations"},
		Summary: "Prometheus metrics",
		Description: "Prometheus text exposition: tandem_http_requests_total and tandem_http_request_duration_seconds by route, and the Go runtime. " +
			"For admins only: a scraper sends an admin's API token (a read-scope one is enough).",
		Responses: map[string]*huma.Response{"200": text("The metrics", "tandem_http_requests_total{code=\"200\",route=\"GET /healthz\"} 1\n"),
			"401": problem(http.StatusUnauthorized), "403": problem(http.StatusForbidden)}})
	doc.AddOperation(&huma.Operation{OperationID: "openapi", Method: http.MethodGet, Path: "/api/openapi.json", Tags: []string{"Operations"},
		Summary: "This document", Description: "The OpenAPI 3.1 document of the API (also as /api/openapi.yaml). No sign-in needed.", Security: none,
		Responses: map[string]*huma.Response{"200": {Description: "The OpenAPI document",
			Content: map[string]*huma.MediaType{"application/json": {Schema: &huma.Schema{Type: huma.TypeObject}}}}}})
}
