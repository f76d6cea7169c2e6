package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// The bad text every string input is tried with. Each is a JSON string
// literal's inside: raw bytes where JSON cannot escape them.
var badText = []struct{ name, json, query string }{
	{"NUL", `a\u0000b`, "a\x00b"},
	{"invalid UTF-8", "a\xff\xfeb", "a\xff\xfeb"},
	{"escape character", `a\u001b[31mb`, "a\x1b[31mb"},
}

// walker is a server with one record of each kind, for requests that
// reach the handlers with every other value valid.
type walker struct {
	t       *testing.T
	c       client
	ids     map[string]string // what a path names → an id that exists
	fieldID map[string]string // a body or query field → an id that exists
	seq     int
}

func newWalker(t *testing.T, s *store.Store) *walker {
	e := setup(t, s)
	c := e.user(t, "ada@example.com", "Ada", "admin", "admin")
	acc := c.do("POST", "/api/v1/accounts", map[string]any{"name": "Walk Industries"}).want(t, 201).str("id")
	other := c.do("POST", "/api/v1/accounts", map[string]any{"name": "Other Holdings"}).want(t, 201).str("id")
	con := c.do("POST", "/api/v1/contacts", map[string]any{"account_id": acc, "name": "Wanda Walker"}).want(t, 201).str("id")
	in := c.do("POST", "/api/v1/interactions", map[string]any{"account_id": acc, "channel": "phone", "direction": "in", "summary": "Called"}).want(t, 201).str("id")
	cs := c.do("POST", "/api/v1/cases", map[string]any{"account_id": acc, "subject": "Broken"}).want(t, 201).str("id")
	pr := c.do("POST", "/api/v1/promises", map[string]any{"account_id": acc, "kind": "callback", "description": "A call back",
		"due_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}).want(t, 201).str("id")
	tok := c.do("POST", "/api/v1/tokens", map[string]any{"label": "walk"}).want(t, 201).str("id")
	sam := e.sam.do("GET", "/api/v1/me", nil).want(t, 200).str("id")
	pol := c.do("POST", "/api/v1/policies", map[string]any{"name": "Walk", "statement": "Rebates are paid 6–8 weeks after the claim",
		"rule": `promise.kind == "rebate"`, "severity": "warn"}).want(t, 201).str("id")
	gw := c.do("POST", "/api/v1/goodwill", map[string]any{"account_id": acc, "kind": "gift", "amount": map[string]any{"amount_minor": 900000, "currency": "EUR"},
		"reason": "walk"}).want(t, 201).str("id")
	promo := c.do("POST", "/api/v1/promotions", map[string]any{"name": "Walk", "terms": "t", "starts_at": "2026-01-01T00:00:00Z",
		"ends_at": "2027-01-01T00:00:00Z"}).want(t, 201).str("id")
	prod := c.do("POST", "/api/v1/products", map[string]any{"sku": "WALK-1", "name": "Walk widget", "unit_price": map[string]any{"amount_minor": 1000, "currency": "EUR"},
		"unit_cost": map[string]any{"amount_minor": 500, "currency": "EUR"}}).want(t, 201).str("id")
	ord := c.do("POST", "/api/v1/orders", map[string]any{"account_id": acc, "lines": []any{map[string]any{"product_id": prod, "quantity": 1}}}).want(t, 201).str("id")
	dl := c.do("POST", "/api/v1/deals", map[string]any{"account_id": acc, "title": "Walk deal", "amount": map[string]any{"amount_minor": 100, "currency": "EUR"}}).
		want(t, 201).str("id")
	tk := c.do("POST", "/api/v1/tasks", map[string]any{"account_id": acc, "title": "Walk task", "due_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}).
		want(t, 201).str("id")
	rival := c.do("POST", "/api/v1/competitors", map[string]any{"name": "Walk Rival"}).want(t, 201).str("id")
	return &walker{t: t, c: c,
		ids: map[string]string{"accounts": acc, "contacts": con, "interactions": in, "cases": cs, "users": sam, "tokens": tok,
			"calendars": "default", "sla-policies": "default", "case-categories": "billing", "sessions": "01a20535-0000-7000-8000-000000000000",
			"notifications": "01a20535-0000-7000-8000-000000000000", "policies": pol, "promises": pr, "goodwill": gw, "promotions": promo,
			"products": prod, "orders": ord, "deals": dl, "tasks": tk, "competitors": rival, "surveys": survey.FollowUpID},
		fieldID: map[string]string{"account_id": acc, "from_id": other, "contact_id": con, "assignee_id": c.userID, "owner_id": sam, "user_id": c.userID, "actor_id": c.userID,
			"product_id": prod},
	}
}

type schema struct {
	Ref                  string             `json:"$ref"`
	Type                 any                `json:"type"`
	Format               string             `json:"format"`
	Enum                 []any              `json:"enum"`
	MaxLength            *int               `json:"maxLength"`
	Properties           map[string]*schema `json:"properties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	AdditionalProperties any                `json:"additionalProperties"`
}

func (s *schema) is(t string) bool {
	switch v := s.Type.(type) {
	case string:
		return v == t
	case []any:
		for _, x := range v {
			if x == t {
				return true
			}
		}
	}
	return false
}

type document struct {
	Paths map[string]map[string]struct {
		OperationID string `json:"operationId"`
		Parameters  []struct {
			Name   string  `json:"name"`
			In     string  `json:"in"`
			Schema *schema `json:"schema"`
		} `json:"parameters"`
		RequestBody *struct {
			Content map[string]struct {
				Schema *schema `json:"schema"`
			} `json:"content"`
		} `json:"requestBody"`
	} `json:"paths"`
	Components struct {
		Schemas map[string]*schema `json:"schemas"`
	} `json:"components"`
}

func (d *document) resolve(s *schema) *schema {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	return s
}

// slot is one string a request can carry in its body: where it is and its
// declared maximum length.
type slot struct {
	path []string // property names; "*" is a key of a map, "[]" an item
	max  int
}

// slots lists the strings a body schema holds, declared maxLength and all.
func (d *document) slots(s *schema, path []string, depth int, t *testing.T, where string) []slot {
	s = d.resolve(s)
	if s == nil || depth > 6 {
		return nil
	}
	var out []slot
	switch {
	case s.is("string"):
		if len(s.Enum) > 0 || s.Format != "" {
			return nil
		}
		if s.MaxLength == nil {
			t.Errorf("%s: %s declares no maxLength", where, strings.Join(path, "."))
			return nil
		}
		return []slot{{path: path, max: *s.MaxLength}}
	case s.is("array"):
		return d.slots(s.Items, append(append([]string{}, path...), "[]"), depth+1, t, where)
	case s.is("object"):
		names := make([]string, 0, len(s.Properties))
		for n := range s.Properties {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, d.slots(s.Properties[n], append(append([]string{}, path...), n), depth+1, t, where)...)
		}
		if as, ok := s.AdditionalProperties.(map[string]any); ok {
			b, _ := json.Marshal(as)
			var sub schema
			json.Unmarshal(b, &sub)
			out = append(out, slot{path: append(append([]string{}, path...), "*key"), max: 200})
			out = append(out, d.slots(&sub, append(append([]string{}, path...), "*"), depth+1, t, where)...)
		}
	}
	return out
}

// value is a valid value of s: required properties only, ids of records
// that exist, the first of an enum.
func (w *walker) value(d *document, s *schema, name string, depth int) any {
	s = d.resolve(s)
	if s == nil || depth > 6 {
		return nil
	}
	switch {
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.is("string") && s.Format == "date-time":
		return time.Now().UTC().Add(time.Hour).Format(time.RFC3339)
	case s.is("string"):
		w.seq++
		switch {
		case w.fieldID[name] != "":
			return w.fieldID[name]
		case name == "email":
			return fmt.Sprintf("walk%d@example.com", w.seq)
		case strings.Contains(name, "password"):
			return fmt.Sprintf("a long enough password %d", w.seq)
		}
		return fmt.Sprintf("Walk %d", w.seq)
	case s.is("integer"), s.is("number"):
		return 1
	case s.is("boolean"):
		return true
	case s.is("array"):
		return []any{}
	case s.is("object"):
		out := map[string]any{}
		for _, n := range s.Required {
			out[n] = w.value(d, s.Properties[n], n, depth+1)
		}
		return out
	}
	return nil
}

// set puts v at path in the JSON value root, making objects on the way.
func set(root any, path []string, v any) any {
	if len(path) == 0 {
		return v
	}
	switch path[0] {
	case "[]":
		return []any{set(nil, path[1:], v)}
	case "*":
		m, _ := root.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m["monday"] = set(nil, path[1:], v)
		return m
	case "*key":
		m, _ := root.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[v.(string)] = true
		return m
	}
	m, _ := root.(map[string]any)
	if m == nil {
		m = map[string]any{}
	}
	m[path[0]] = set(m[path[0]], path[1:], v)
	return m
}

// send makes one request with a raw body and answers status, content type
// and body.
func (w *walker) send(method, path string, body []byte, header ...string) (int, string, string) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, w.c.base+path, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+w.c.token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

// TestEveryTextInputIsClean walks every operation of the served document
// and sends NUL, invalid UTF-8, an escape character and one character too
// many in each string field of its body (at any depth, map keys too) and
// in each path, query and header parameter, on both engines. Each answer
// is a problem: 404 for an id in the path, 422 naming the field otherwise;
// never a 5xx. Every string input must declare its maxLength.
func TestEveryTextInputIsClean(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		w := newWalker(t, s)
		var doc document
		if err := json.Unmarshal(w.c.do("GET", "/api/openapi.json", nil).want(t, 200).raw, &doc); err != nil {
			t.Fatal(err)
		}
		tried := 0
		expect := func(key, what string, want int, field string, status int, ct, body string) {
			t.Helper()
			tried++
			if status != want || ct != "application/problem+json" {
				t.Errorf("%s with %s: want %d problem, got %d %s: %.300s", key, what, want, status, ct, body)
				return
			}
			if field != "" && !strings.Contains(body, `"field":"`+field) {
				t.Errorf("%s with %s: the problem does not name %s: %.300s", key, what, field, body)
			}
		}
		var keys []string
		for p, item := range doc.Paths {
			for m := range item {
				keys = append(keys, strings.ToUpper(m)+" "+p)
			}
		}
		sort.Strings(keys)
		for _, key := range keys {
			method, p, _ := strings.Cut(key, " ")
			o := doc.Paths[p][strings.ToLower(method)]
			if !strings.HasPrefix(p, "/api/v1/") {
				continue
			}
			// The path with ids that exist.
			segs := strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/")
			real, pathParam := p, ""
			for i, sg := range segs {
				if strings.HasPrefix(sg, "{") {
					pathParam = strings.Trim(sg, "{}")
					real = strings.Replace(real, sg, w.ids[segs[i-1]], 1)
				}
			}
			var bodySchema *schema
			if o.RequestBody != nil {
				bodySchema = o.RequestBody.Content["application/json"].Schema
			}
			base := func() []byte {
				if bodySchema == nil {
					return nil
				}
				b, _ := json.Marshal(w.value(&doc, bodySchema, "", 0))
				return b
			}
			// Path parameters.
			if pathParam != "" {
				want, field := http.StatusNotFound, ""
				if pathParam != "id" {
					want, field = http.StatusUnprocessableEntity, pathParam
				}
				for _, bad := range append(badText, struct{ name, json, query string }{"too long", "", strings.Repeat("x", 201)}) {
					bp := strings.Replace(p, "{"+pathParam+"}", url.PathEscape(bad.query), 1)
					for i, sg := range segs {
						if strings.HasPrefix(sg, "{") && sg != "{"+pathParam+"}" {
							bp = strings.Replace(bp, sg, w.ids[segs[i-1]], 1)
						}
					}
					st, ct, b := w.send(method, bp, base())
					expect(key, "path "+pathParam+" "+bad.name, want, field, st, ct, b)
				}
			}
			// Query and header parameters.
			for _, prm := range o.Parameters {
				if prm.In == "path" {
					continue
				}
				sc := doc.resolve(prm.Schema)
				if sc.is("array") {
					sc = doc.resolve(sc.Items)
				}
				if !sc.is("string") || sc.Format != "" {
					continue
				}
				if sc.MaxLength == nil && len(sc.Enum) == 0 {
					t.Errorf("%s: %s parameter %s declares no maxLength", key, prm.In, prm.Name)
					continue
				}
				max := 200
				if sc.MaxLength != nil {
					max = *sc.MaxLength
				}
				bads := append([]struct{ name, json, query string }{}, badText...)
				bads = append(bads, struct{ name, json, query string }{"too long", "", strings.Repeat("x", max+1)})
				for _, bad := range bads {
					if prm.In == "header" && bad.name != "invalid UTF-8" && bad.name != "too long" {
						continue // net/http sends no control characters in a header
					}
					target, hdr := real, []string{}
					if prm.In == "query" {
						target += "?" + url.Values{prm.Name: {bad.query}}.Encode()
					} else {
						hdr = []string{prm.Name, bad.query}
					}
					st, ct, b := w.send(method, target, base(), hdr...)
					field := prm.Name
					if prm.In == "header" && strings.EqualFold(prm.Name, "Idempotency-Key") {
						field = "" // answered by the idempotency middleware
					}
					expect(key, prm.In+" "+prm.Name+" "+bad.name, http.StatusUnprocessableEntity, field, st, ct, b)
				}
			}
			// Body fields.
			if bodySchema == nil {
				continue
			}
			for _, sl := range doc.slots(bodySchema, nil, 0, t, key) {
				name := strings.Join(sl.path, ".")
				bads := append([]struct{ name, json, query string }{}, badText...)
				bads = append(bads, struct{ name, json, query string }{"too long", strings.Repeat("x", sl.max+1), ""})
				for _, bad := range bads {
					const mark = "\u2603MARK\u2603"
					v := w.value(&doc, bodySchema, "", 0)
					v = set(v, sl.path, mark)
					raw, _ := json.Marshal(v)
					raw = bytes.Replace(raw, []byte(mark), []byte(bad.json), 1)
					st, ct, b := w.send(method, real, raw)
					field := strings.NewReplacer(".[]", "[0]", ".*key", "", ".*", ".monday").Replace(name)
					if strings.HasSuffix(name, "*key") || len(sl.path) > 1 {
						field = "" // nested: the name depends on the position
					}
					expect(key, "body "+name+" "+bad.name, http.StatusUnprocessableEntity, field, st, ct, b)
				}
			}
		}
		if tried < 300 {
			t.Fatalf("only %d bad inputs were tried", tried)
		}
		t.Logf("%d bad inputs tried", tried)
	})
}
