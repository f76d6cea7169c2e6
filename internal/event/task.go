package event

// describeTask words a task's events as sentences naming who did it:
// "Sam Seller completed the task “Call Contoso about the rebate”".
func describeTask(e *Event, verb string, snap map[string]any, users map[string]string) (string, bool) {
	get := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	who := Actor(e, users)
	title := "the task “" + get(snap, "title") + "”"
	owner := get(snap, "owner_name")
	if owner == "" {
		owner = users[get(snap, "owner_id")]
	}
	switch verb {
	case "created":
		s := who + " added " + title
		if id := get(snap, "owner_id"); id != e.ActorID && owner != "" {
			s += " for " + owner
		}
		return s, true
	case "completed":
		return who + " completed " + title, true
	case "reopened":
		return who + " reopened " + title, true
	case "cancelled":
		return who + " cancelled " + title, true
	case "updated":
		s := who + " changed " + title
		if get(snap, "from_owner_id") != "" && owner != "" {
			s += " and gave it to " + owner
		}
		return s, true
	}
	return "", false
}
