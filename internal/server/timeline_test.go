package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestTimelineIsLeanUnlessExpanded: by default a timeline line holds what
// the line shows (no interaction body, an edit's changes rather than its
// snapshots); expand=changes holds them in full; and the audit log still
// has every logged interaction whole, though its event only references it.
func TestTimelineIsLeanUnlessExpanded(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s)
		id := e.sam.do("POST", "/api/v1/accounts", map[string]any{"name": "Northwind"}).want(t, 201).str("id")
		body := strings.Repeat("The customer walked us through every pallet. ", 40)
		var last resp
		for range 20 {
			last = e.sam.do("POST", "/api/v1/interactions", map[string]any{"account_id": id, "channel": "phone", "direction": "out",
				"summary": "Quarterly check-in call", "body": body}).want(t, 201)
		}
		e.sam.do("PATCH", "/api/v1/accounts/"+id, map[string]any{"tier": "gold"}).want(t, 200)
		e.sam.do("PATCH", "/api/v1/interactions/"+last.str("id"), map[string]any{"summary": "Check-in, pallets short"}).want(t, 200)

		lean := e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?limit=20", nil).want(t, 200)
		if len(lean.raw) > 6*1024 {
			t.Errorf("the first page of 20 lines is %d bytes, want at most 6 KiB: %.700s", len(lean.raw), lean.raw)
		}
		var page struct {
			Items []struct {
				Type        string
				Interaction map[string]any
				Event       map[string]any
			}
		}
		if err := json.Unmarshal(lean.raw, &page); err != nil || len(page.Items) != 20 {
			t.Fatalf("%v %s", err, lean.raw)
		}
		sawEdit := false
		for _, it := range page.Items {
			if it.Interaction["body"] != nil || it.Event["before"] != nil || it.Event["after"] != nil {
				t.Fatalf("a lean line holds a body or a snapshot: %v %v", it.Interaction, it.Event)
			}
			if it.Type == "interaction" && it.Interaction["summary"] == "" {
				t.Fatalf("an interaction line without its summary: %v", it.Interaction)
			}
			if it.Type == "event" {
				if it.Event["text"] == "" {
					t.Errorf("an event line without its sentence: %v", it.Event)
				}
				if ch, _ := it.Event["changes"].([]any); len(ch) > 0 {
					sawEdit = true
					if !strings.Contains(string(lean.raw), `"field":"tier","before":"standard","after":"gold"`) {
						t.Errorf("the edit's change is not there: %s", lean.raw)
					}
				}
			}
		}
		if !sawEdit {
			t.Errorf("no line says what the edit changed: %s", lean.raw)
		}

		full := e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?limit=20&expand=changes", nil).want(t, 200)
		if !strings.Contains(string(full.raw), body[:60]) || !strings.Contains(string(full.raw), `"before":{`) {
			t.Errorf("expand=changes lacks the body or the snapshots: %.400s", full.raw)
		}
		e.mia.do("GET", "/api/v1/accounts/"+id+"/timeline?expand=everything", nil).want(t, 422)

		// The audit log shows each logged interaction whole, as it was logged.
		audit := e.mia.do("GET", "/api/v1/audit?kind=interaction.logged&limit=50", nil).want(t, 200)
		var log struct {
			Items []struct {
				SubjectID string `json:"subject_id"`
				After     map[string]any
			}
		}
		if err := json.Unmarshal(audit.raw, &log); err != nil || len(log.Items) != 20 {
			t.Fatalf("%v %.300s", err, audit.raw)
		}
		for _, it := range log.Items {
			if it.After["body"] != strings.TrimSpace(body) || it.After["summary"] != "Quarterly check-in call" || it.After["version"] != float64(1) {
				t.Fatalf("interaction %s is not in the audit log as it was logged: %v", it.SubjectID, it.After)
			}
		}
	})
}
