package event

import "strings"

// describeSurvey words the follow-up survey's events: "Contoso answered
// the follow-up survey: NPS 10, everything as expected".
func describeSurvey(e *Event, verb string, snap map[string]any) (string, bool) {
	get := func(k string) string { s, _ := snap[k].(string); return s }
	account := get("account_name")
	if account == "" {
		account = "The customer"
	}
	who := account
	if c := get("contact_name"); c != "" {
		who = c + " at " + account
	}
	switch verb {
	case "answered":
		s := who + " answered the follow-up survey: " + get("summary")
		switch get("channel") {
		case "phone":
			s += " (on the phone)"
		}
		switch get("outcome") {
		case "problem":
			s += "; a case was opened"
		case "happy":
			if open, _ := snap["deal_was_open"].(bool); open {
				s += "; the next sale is under way already"
			} else {
				s += "; the next sale was started"
			}
		}
		return s, true
	case "sent":
		s := "Follow-up survey “" + get("template_name") + "” sent to " + who
		if get("channel") == "link" {
			s = "Follow-up survey “" + get("template_name") + "” link made for " + who
		}
		return s, true
	case "suppressed":
		return "Follow-up survey to " + who + " held back: " + get("suppressed_reason"), true
	case "follow_up":
		s := "Follow-up due with " + who
		if w := get("what"); w != "" {
			s += " after " + w
		}
		if r := get("suppressed_reason"); r != "" {
			s += " (no survey emailed: " + r + ")"
		}
		return s, true
	}
	return "", false
}

func surveyLink(e *Event, verb string, snap map[string]any) string {
	switch verb {
	case "answered":
		if id, _ := snap["case_id"].(string); id != "" {
			return "/cases/" + id
		}
		if id, _ := snap["deal_id"].(string); id != "" {
			return "/deals/" + id
		}
	case "follow_up":
		return "/follow-ups/" + e.SubjectID
	}
	return strings.TrimSpace("")
}
