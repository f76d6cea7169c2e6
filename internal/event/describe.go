package event

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"tandem/internal/goodwill"
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
		if was, _ := before["status"].(string); verb == "open" && (was == "resolved" || was == "closed") {
			l.Text += " reopened"
		} else if to, ok := after["assignee_id"].(string); verb == "assigned" && ok {
			if name := users[to]; to != "" && name != "" {
				l.Text += " assigned to " + name
			} else {
				l.Text += " unassigned"
			}
		} else if move, ok := caseMoves[verb]; ok {
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
		case "wallet_estimated":
			return describeWallet(after)
		}
		return Line{Text: "Account " + words(verb), Changes: changes(before, after, users)}
	case "interaction":
		return Line{Text: "Interaction " + words(verb) + ": " + str("summary"), Changes: changes(before, after, users)}
	case "promise":
		return describePromise(e, verb, snap, before, after, users)
	case "goodwill", "promotion":
		if text, ok := describeGoodwill(e, snap, users); ok {
			return Line{Text: text, Changes: changes(before, after, users)}
		}
	case "deal":
		if text, ok := describeDeal(e, snap, users); ok {
			return Line{Text: text, Link: "/deals/" + e.SubjectID}
		}
	case "user", "session", "token", "sla", "case_category":
		if text, ok := describeAccess(e, before, after, users); ok {
			return Line{Text: text}
		}
	case "policy":
		return Line{Text: describePolicy(e, snap, users), Link: "/policies/" + e.SubjectID}
	case "order", "product":
		return describeOrder(e, verb, snap)
	case "survey":
		if text, ok := describeSurvey(e, verb, snap); ok {
			return Line{Text: text, Link: surveyLink(e, verb, snap)}
		}
	case "task":
		if text, ok := describeTask(e, verb, snap, users); ok {
			return Line{Text: text, Link: "/tasks/" + e.SubjectID}
		}
	case "competitor":
		return describeCompetitor(e, verb, snap)
	}
	return Line{Text: Human(e.Kind)}
}

// Sentence is an event in words as the audit trail reads it: the
// access sentences name who did it; the timeline's lines, which do not,
// are said to be by the actor ("Ada Admin: Case #7 opened").
func Sentence(e *Event, users map[string]string) string {
	l := Describe(e, users)
	if accessSubjects[strings.SplitN(e.Kind, ".", 2)[0]] && l.Text != Human(e.Kind) {
		return l.Text
	}
	s := Actor(e, users) + ": " + l.Text
	if len(l.Changes) > 0 {
		s += " (" + strings.Join(l.Changes, "; ") + ")"
	}
	return s
}

var accessSubjects = map[string]bool{"user": true, "session": true, "token": true, "sla": true, "case_category": true,
	"policy": true, "goodwill": true, "promotion": true, "deal": true, "task": true} // sentences that name who did it

// Actor names who did what an event records: a user's name, or "Tandem"
// for what Tandem did on its own (its jobs, the demo book). A failed
// sign-in was nobody's: "Someone not signed in".
func Actor(e *Event, users map[string]string) string {
	if e.ActorID == "" {
		if e.Kind == "session.sign_in_failed" {
			return "Someone not signed in"
		}
		return "Tandem"
	}
	if name, ok := users[e.ActorID]; ok && name != "" {
		return name
	}
	return "a former user"
}

// describeAccess words the events of users, sessions, tokens and settings,
// which only the audit trail shows, as sentences naming who did what to
// whom: "Ada changed Val Jones's role from service to manager".
func describeAccess(e *Event, before, after map[string]any, users map[string]string) (string, bool) {
	get := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	who := Actor(e, users)
	// The user the event is about: the name in its snapshot (as it was
	// then), else the user's name now.
	userName := func(id string) string {
		if n := get(after, "name"); n != "" && id == e.SubjectID {
			return n
		}
		if n := get(before, "name"); n != "" && id == e.SubjectID {
			return n
		}
		if n, ok := users[id]; ok && n != "" && id != "" {
			return n
		}
		return "a user"
	}
	whose := func(id string) string {
		if id == e.ActorID && id != "" {
			return "their"
		}
		return possessive(userName(id))
	}
	quoted := func(s string) string { return "“" + s + "”" }
	switch e.Kind {
	case "user.created":
		s := who + " added " + userName(e.SubjectID)
		if email := get(after, "email"); email != "" {
			s += " (" + email + ")"
		}
		if role := get(after, "role"); role != "" {
			s += " as " + role
		}
		return s, true
	case "user.role_changed":
		return fmt.Sprintf("%s changed %s role from %s to %s", who, whose(e.SubjectID), orNone(get(before, "role")), orNone(get(after, "role"))), true
	case "user.deactivated":
		return who + " deactivated " + userName(e.SubjectID) + roleChange(before, after), true
	case "user.reactivated":
		return who + " reactivated " + userName(e.SubjectID) + roleChange(before, after), true
	case "user.updated":
		if b, a := get(before, "name"), get(after, "name"); b != a && b != "" && a != "" {
			return who + " renamed " + b + " to " + a, true
		}
		return who + " changed the details of " + userName(e.SubjectID), true
	case "user.password_reset":
		return who + " reset " + whose(e.SubjectID) + " password", true
	case "user.password_changed":
		return who + " changed their password", true
	case "user.locked":
		s := "Tandem locked sign-in"
		if email := get(after, "email"); email != "" {
			s += " for " + email
		}
		return s + " after repeated failed sign-ins", true
	case "user.notification_preferences_changed":
		return who + " changed " + whose(e.SubjectID) + " notification preferences", true
	case "session.signed_in":
		if ip := get(after, "ip"); ip != "" {
			return who + " signed in from " + ip, true
		}
		return who + " signed in", true
	case "session.signed_out":
		return who + " signed out", true
	case "session.sign_in_failed":
		s := "A sign-in"
		if email := get(after, "email"); email != "" {
			s += " as " + email
		}
		if ip := get(after, "ip"); ip != "" {
			s += " from " + ip
		}
		return s + " failed", true
	case "session.revoked":
		if e.SubjectID == e.ActorID {
			return who + " signed out one of their other sessions", true
		}
		return who + " signed out a session of " + userName(e.SubjectID), true
	case "token.created":
		s := who + " created the API token " + quoted(get(after, "label"))
		if scope := get(after, "scope"); scope != "" {
			s += " (" + scope + ")"
		}
		if owner := get(after, "user_id"); owner != "" && owner != e.ActorID {
			s += " for " + userName(owner)
		}
		return s, true
	case "token.used":
		return who + " used an API token", true
	case "token.revoked":
		return who + " revoked " + whose(get(after, "user_id")) + " API token " + quoted(get(after, "label")), true
	case "sla.calendar_changed":
		return who + " changed the service calendar", true
	case "sla.policy_changed":
		return who + " changed the SLA targets", true
	case "sla.promise_grace_changed":
		return who + " changed the grace periods of overdue promises", true
	case "case_category.saved":
		state := "in use"
		if active, _ := after["active"].(bool); !active {
			state = "retired"
		}
		return who + " saved the case category " + quoted(get(after, "name")) + " (" + state + ")", true
	}
	return "", false
}

// roleChange is ", and changed their role from a to b" when an event's
// snapshots hold a change of role, else "".
func roleChange(before, after map[string]any) string {
	b, _ := before["role"].(string)
	a, _ := after["role"].(string)
	if b == "" || a == "" || a == b {
		return ""
	}
	return " and changed their role from " + b + " to " + a
}

func possessive(name string) string { return name + "’s" }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
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

// describePolicy words the events of service policies: "Mia Manager set
// the policy “Rebate payment window”: Rebates are paid 6–8 weeks after
// the claim (warn)".
func describePolicy(e *Event, snap map[string]any, users map[string]string) string {
	get := func(k string) string { s, _ := snap[k].(string); return s }
	who := Actor(e, users)
	switch e.Kind {
	case "policy.removed":
		return who + " removed the policy “" + get("name") + "”"
	default:
		return fmt.Sprintf("%s set the policy “%s”: %s (%s)", who, get("name"), get("statement"), get("severity"))
	}
}

// describePromise words a promise's events: "Sam Seller promised Contoso
// a rebate of €1,200.00 by 14 Dec 2026 — …". A promise's snapshot holds
// account_name, maker_name and summary (what was promised, in words).
func describePromise(e *Event, verb string, snap, before, after map[string]any, users map[string]string) Line {
	str := func(k string) string { s, _ := snap[k].(string); return s }
	account, what := str("account_name"), str("summary")
	if account == "" {
		account = "the customer"
	}
	if what == "" {
		what = "something"
	}
	by := ""
	if due, err := time.Parse(time.RFC3339Nano, str("due_at")); err == nil {
		by = " by " + due.UTC().Format("2 Jan 2006")
	}
	the := "The promise to " + account + " of " + what + by
	l := Line{Link: "/promises/" + e.SubjectID}
	switch verb {
	case "made":
		maker := str("maker_name")
		if maker == "" {
			maker = Actor(e, users)
		}
		l.Text = maker + " promised " + account + " " + what + by
		if d := str("description"); d != "" {
			l.Text += ": “" + clip(d, 120) + "”"
		}
		if ack := str("acknowledgement"); ack != "" {
			l.Text += " (against a service policy, acknowledged: " + clip(ack, 120) + ")"
		}
	case "kept":
		l.Text = Actor(e, users) + " kept the promise to " + account + " of " + what + by
		if ev := str("evidence"); ev != "" {
			l.Text += ": " + clip(ev, 120)
		}
	case "overdue":
		l.Text = the + " is overdue"
	case "broken":
		l.Text = the + " is broken: " + clip(str("broken_reason"), 200)
	case "cancelled":
		l.Text = the + " was cancelled with the customer's consent: " + clip(str("cancel_reason"), 200)
	case "updated":
		l.Text = "The promise to " + account + " of " + what + " was changed"
		l.Changes = changes(before, after, users)
	default:
		l.Text = the + ": " + words(verb)
	}
	return l
}

// describeGoodwill words goodwill and promotions as sentences naming who
// did what: "Sam Seller granted Contoso a credit of €150.00: late rebate".
func describeGoodwill(e *Event, snap map[string]any, users map[string]string) (string, bool) {
	get := func(k string) string { s, _ := snap[k].(string); return s }
	who := Actor(e, users)
	requester := get("requester_name")
	if requester == "" {
		requester = users[get("requested_by_id")]
	}
	if requester == "" {
		requester = "a former user"
	}
	account := get("account_name")
	if account == "" {
		account = "the customer"
	}
	what := strings.ReplaceAll(get("kind"), "_", " ")
	if m, ok := snap["amount"].(map[string]any); ok {
		minor, _ := m["amount_minor"].(float64)
		cur, _ := m["currency"].(string)
		what += " of " + goodwill.Money{Minor: int64(minor), Currency: cur}.String()
	}
	article := "a "
	if what != "" && strings.ContainsRune("aeiou", rune(what[0])) {
		article = "an "
	}
	reason, note := get("reason"), get("decision_note")
	switch e.Kind {
	case "goodwill.requested":
		if get("status") == "approved" {
			return fmt.Sprintf("%s granted %s %s%s: %s", requester, account, article, what, reason), true
		}
		return fmt.Sprintf("%s %s for %s is waiting for approval: %s", possessive(requester), what, account, reason), true
	case "goodwill.approved", "goodwill.rejected":
		verb := "approved"
		if e.Kind == "goodwill.rejected" {
			verb = "turned down"
		}
		s := fmt.Sprintf("%s %s %s %s for %s (%s)", who, verb, possessive(requester), what, account, reason)
		if note != "" {
			s += ": " + note
		}
		return s, true
	case "goodwill.limits_changed":
		return who + " changed the goodwill approval limits", true
	case "promotion.created":
		return who + " added the promotion “" + get("name") + "”", true
	case "promotion.updated":
		return who + " changed the promotion “" + get("name") + "”", true
	}
	return "", false
}
