package event

import "tandem/internal/money"

// describeWallet words a change of the estimated spend in our category:
// "Estimated spend in our category set to €80,000.00 a year".
func describeWallet(after map[string]any) Line {
	m, ok := after["category_spend"].(map[string]any)
	if !ok {
		return Line{Text: "Estimated spend in our category removed"}
	}
	minor, _ := m["amount_minor"].(float64)
	cur, _ := m["currency"].(string)
	return Line{Text: "Estimated spend in our category set to " + money.Money{Minor: int64(minor), Currency: cur}.String() + " a year"}
}

// describeCompetitor words a change to the competitors list.
func describeCompetitor(e *Event, verb string, snap map[string]any) Line {
	name, _ := snap["name"].(string)
	l := Line{Link: "/competitors/" + e.SubjectID}
	switch verb {
	case "created":
		l.Text = "Competitor added: " + name
	default:
		l.Text = "Competitor changed"
		if name != "" {
			l.Text += ": " + name
		}
	}
	return l
}
