package event

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Line is how a timeline shows an event: what happened in words,
// where to see the thing it happened to, and what an edit changed.
type Line struct {
	Text    string
	Link    string
	Changes []string
}

// caseMoves words a case's move to each status.
var caseMoves = map[string]string{
	"opened":           "opened",
	"open":             "being worked on",
	"pending_customer": "waiting on the customer",
	"resolved":         "resolved",
	"closed":           "closed",
}

// describe words an event from its kind and snapshots; users names user
// ids (an account's owner).
func Describe(e *Event, users map[string]string) Line {
	var before, after map[string]any
	json.Unmarshal(e.Before, &before)
	json.Unmarshal(e.After, &after)
	snap := after
	if snap == nil {
		snap = before
	}
	str := func(k string) string { s, _ := snap[k].(string); return s }
	subject, verb, _ := strings.Cut(e.Kind, ".")
	switch subject {
	case "case":
		if body, ok := snap["body"].(string); ok { // a comment's snapshot holds the comment, not the case
			what := "Reply to the customer"
			if internal, _ := snap["internal"].(bool); internal {
				what = "Internal note"
			}
			return Line{Text: what + " on a case: " + clip(body, 120), Link: "/cases/" + e.SubjectID}
		}
		n, _ := snap["number"].(float64)
		l := Line{Text: fmt.Sprintf("Case #%.0f", n), Link: "/cases/" + e.SubjectID}
		if alert, ok := snap["alert"].(string); ok {
			l.Text += ": " + alert
			return l
		}
		if move, ok := caseMoves[verb]; ok {
			l.Text += " " + move
		} else {
			l.Text += ": " + words(verb)
		}
		if s := str("subject"); s != "" {
			l.Text += " — " + s
		}
		return l
	case "contact":
		l := Line{Link: "/contacts/" + e.SubjectID}
		switch verb {
		case "created":
			l.Text = "Contact added: " + str("name")
		case "deleted":
			l.Text, l.Link = "Contact removed: "+str("name"), ""
		default:
			l.Text = "Contact " + str("name") + " " + words(verb)
		}
		l.Changes = changes(before, after, users)
		return l
	case "account":
		switch verb {
		case "merged":
			merged, _ := before["merged"].(map[string]any)
			name, _ := merged["name"].(string)
			return Line{Text: "Merged " + name + " into this account"}
		case "owner_changed":
			return Line{Text: "Owner changed", Changes: changes(before, after, users)}
		}
		return Line{Text: "Account " + words(verb), Changes: changes(before, after, users)}
	case "interaction":
		return Line{Text: "Interaction " + words(verb) + ": " + str("summary"), Changes: changes(before, after, users)}
	}
	return Line{Text: Human(e.Kind)}
}

func words(s string) string { return strings.ReplaceAll(s, "_", " ") }

// fieldLabel names a record's field for people: "owner_id" is "owner".
func FieldLabel(k string) string { return words(strings.TrimSuffix(k, "_id")) }

// clip shortens s to at most n runes, on a word boundary where it can.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	cut := string(r[:n])
	if i := strings.LastIndex(cut, " "); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// unshown are the fields of a snapshot that no person needs to see change.
var unshown = []string{"id", "account_id", "created_at", "updated_at", "version", "user_id"}

// changes lists the top-level fields that differ between two snapshots,
// "field: old → new", sorted; a user id shows as the user's name.
func changes(before, after map[string]any, users map[string]string) []string {
	if before == nil || after == nil {
		return nil
	}
	var out []string
	for k, v := range after {
		if slices.Contains(unshown, k) || fmt.Sprint(before[k]) == fmt.Sprint(v) {
			continue
		}
		field := FieldLabel(k)
		switch v.(type) {
		case map[string]any, []any:
			out = append(out, field+" changed")
			continue
		}
		show := func(v any) string {
			s := fmt.Sprint(v)
			if name, ok := users[s]; ok {
				return name
			}
			if v == nil || s == "" {
				return "(none)"
			}
			return s
		}
		out = append(out, field+": "+show(before[k])+" → "+show(v))
	}
	slices.Sort(out)
	return out
}

// Human turns a code ("pending_customer", "case.opened") into words
// starting with a capital.
func Human(s string) string {
	w := strings.Fields(strings.NewReplacer("_", " ", ".", " ").Replace(s))
	for i := range w {
		if w[i] == "sla" {
			w[i] = "SLA"
		}
	}
	s = strings.Join(w, " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
