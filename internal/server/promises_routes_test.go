package server_test

import (
	"maps"
	"net/url"

	"tandem/internal/access"
)

// addPromiseRows adds the rows of the promise ledger's measures, list and
// grace periods.
func addPromiseRows(api, pages map[string]row) {
	managers := []string{"admin", "manager"}
	maps.Copy(api, map[string]row{
		"GET /api/v1/promise-measures": {fixed("/api/v1/promise-measures?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z", ""),
			apiRole(200, access.ScopeRead, managers...)},
		"GET /api/v1/promise-grace": {fixed("/api/v1/promise-grace", ""), apiRead},
		"PUT /api/v1/promise-grace": {fixed("/api/v1/promise-grace", `{"days":{"callback":2}}`), apiOnly(200, managers...)},
	})
	maps.Copy(pages, map[string]row{
		"GET /promises":          {fixed("/promises?status=open&team=sales&due_from=2026-01-01&due_to=2027-12-31", ""), pageRead},
		"GET /promises/measures": {fixed("/promises/measures?from=2026-01-01&to=2026-12-31", ""), pageOnly(managers...)},
		"GET /promises/grace":    {fixed("/promises/grace", ""), pageRead},
		"POST /promises/grace":   {fixed("/promises/grace", form(url.Values{"grace_callback": {"2"}})), formOnly(303, managers...)},
	})
}
