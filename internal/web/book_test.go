package web

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/event"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// golden is what a book says: every timeline line and every audit entry.
type golden struct {
	Timelines map[string][]goldenLine `json:"timelines"`
	Audit     []goldenEntry           `json:"audit"`
}

type goldenLine struct {
	Type    string         `json:"type"`
	ID      string         `json:"id"`
	At      string         `json:"at"`
	Kind    string         `json:"kind"`
	Actor   string         `json:"actor"`
	Text    string         `json:"text"`
	Link    string         `json:"link,omitempty"`
	Changes []string       `json:"changes,omitempty"`
	Record  map[string]any `json:"record,omitempty"`
}

type goldenEntry struct {
	ID          string           `json:"id"`
	At          string           `json:"at"`
	Actor       string           `json:"actor"`
	Account     string           `json:"account"`
	Kind        string           `json:"kind"`
	SubjectType string           `json:"subject_type"`
	SubjectID   string           `json:"subject_id"`
	Team        string           `json:"team"`
	Text        string           `json:"text"`
	Changed     map[string][]any `json:"changed,omitempty"`
	Created     map[string]any   `json:"created,omitempty"`
	Removed     map[string]any   `json:"removed,omitempty"`
}

// decode reads a snapshot with its zero-valued fields left out, so that a
// field a record gained later does not count as a difference.
func decode(b []byte) map[string]any {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || m == nil {
		return nil
	}
	for k, v := range m {
		switch v {
		case nil, "", false, float64(0):
			delete(m, k)
		}
	}
	return m
}

func renderBook(t *testing.T, a *app.App) golden {
	ctx := context.Background()
	admin := adminActor(t, a)
	list, err := a.Store().Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]string{}
	for _, u := range list {
		users[u.ID] = u.Name
	}
	g := golden{Timelines: map[string][]goldenLine{}}
	accs, _, err := a.Accounts(ctx, admin, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range accs {
		cursor := ""
		for {
			items, next, err := a.Timeline(ctx, admin, acc.ID, event.Filter{}, store.Page{Cursor: cursor, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				l := goldenLine{Type: it.Type, ID: it.ID, At: it.At.UTC().String(), Kind: it.Kind, Actor: it.ActorID}
				if it.Event != nil {
					d := event.Describe(it.Event, users)
					l.Text, l.Link, l.Changes = d.Text, d.Link, d.Changes
				} else {
					b, _ := json.Marshal(it.Interaction)
					l.Record = decode(b)
				}
				g.Timelines[acc.Name] = append(g.Timelines[acc.Name], l)
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}
	err = a.AuditEach(ctx, admin, store.AuditFilter{}, func(e event.Event) error {
		en := goldenEntry{ID: e.ID, At: e.At.UTC().String(), Actor: e.ActorID, Account: e.AccountID, Kind: e.Kind,
			SubjectType: e.SubjectType, SubjectID: e.SubjectID, Team: e.Team, Text: event.Describe(&e, users).Text}
		before, after := decode(e.Before), decode(e.After)
		switch {
		case before != nil && after != nil:
			en.Changed = map[string][]any{}
			keys := map[string]bool{}
			for k := range before {
				keys[k] = true
			}
			for k := range after {
				keys[k] = true
			}
			for k := range keys {
				if fmt.Sprint(before[k]) != fmt.Sprint(after[k]) {
					en.Changed[k] = []any{before[k], after[k]}
				}
			}
		case after != nil:
			en.Created = after
		case before != nil:
			en.Removed = before
		}
		g.Audit = append(g.Audit, en)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(g.Audit, func(i, j int) bool { return g.Audit[i].ID < g.Audit[j].ID })
	return g
}

func adminActor(t *testing.T, a *app.App) access.Actor {
	u, _, err := a.Store().UserByEmail(context.Background(), "ada@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return access.Actor{User: u, Scope: access.ScopeAdmin}
}

// The fixture is a demo book with edits, removals and a merge, written by
// schema 9 (before ids were bytes and events held only what changed), with
// what that release said of it: every timeline line and audit entry.
const bookV9 = "../store/testdata/book-v9/"

// TestOldBooksMigrate: a book written by schema 9 opens on both engines,
// is rewritten, and says everything it said before, line for line.
func TestOldBooksMigrate(t *testing.T) {
	f, err := os.Open(bookV9 + "golden.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var want golden
	if err := json.NewDecoder(zr).Decode(&want); err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			dir, url := storetest.Book(t, engine, 9, storetest.Rows(bookV9+"rows.json.gz"))
			s, err := store.Open(context.Background(), dir, url)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got := renderBook(t, app.New(s))
			sameBook(t, want, got)
		})
	}
}

func sameBook(t *testing.T, want, got golden) {
	t.Helper()
	str := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	if len(got.Timelines) != len(want.Timelines) {
		t.Errorf("%d timelines, want %d", len(got.Timelines), len(want.Timelines))
	}
	for name, lines := range want.Timelines {
		g := got.Timelines[name]
		if len(g) != len(lines) {
			t.Errorf("%s: %d timeline lines, want %d", name, len(g), len(lines))
			continue
		}
		for i := range lines {
			if str(g[i]) != str(lines[i]) {
				t.Errorf("%s, line %d:\n got %s\nwant %s", name, i, str(g[i]), str(lines[i]))
			}
		}
	}
	if len(got.Audit) != len(want.Audit) {
		t.Fatalf("%d audit entries, want %d", len(got.Audit), len(want.Audit))
	}
	for i := range want.Audit {
		if str(got.Audit[i]) != str(want.Audit[i]) {
			t.Errorf("audit entry %d:\n got %s\nwant %s", i, str(got.Audit[i]), str(want.Audit[i]))
		}
	}
}
