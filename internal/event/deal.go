package event

import (
	"fmt"

	"tandem/internal/promise"
)

// describeDeal words a deal's events as sentences naming who did what:
// "Sam Seller moved “Renewal 2027” for Contoso to negotiate (60 %)".
func describeDeal(e *Event, snap map[string]any, users map[string]string) (string, bool) {
	get := func(k string) string { s, _ := snap[k].(string); return s }
	who := Actor(e, users)
	account := get("account_name")
	if account == "" {
		account = "the customer"
	}
	title := "“" + get("title") + "”"
	amount := ""
	if m, ok := snap["amount"].(map[string]any); ok {
		minor, _ := m["amount_minor"].(float64)
		cur, _ := m["currency"].(string)
		amount = promise.Money{Minor: int64(minor), Currency: cur}.String()
	}
	probability, _ := snap["probability"].(float64)
	switch e.Kind {
	case "deal.created":
		s := fmt.Sprintf("%s started %s for %s in %s (%d %%)", who, title, account, get("stage"), int(probability))
		if amount != "" {
			s += ": " + amount
		}
		if owner := get("owner_name"); owner != "" && get("owner_id") != e.ActorID {
			s += ", for " + owner
		}
		return s, true
	case "deal.moved":
		return fmt.Sprintf("%s moved %s for %s to %s (%d %%)", who, title, account, get("stage"), int(probability)), true
	case "deal.won":
		return fmt.Sprintf("%s won %s for %s: %s", who, title, account, amount), true
	case "deal.lost":
		s := fmt.Sprintf("%s lost %s for %s", who, title, account)
		if to := get("lost_to"); to != "" {
			s += " to " + to
		}
		return s + ": " + get("lost_reason"), true
	case "deal.updated":
		return fmt.Sprintf("%s changed %s for %s", who, title, account), true
	case "deal.pipeline_changed":
		return who + " changed the pipeline's stages", true
	}
	return "", false
}
