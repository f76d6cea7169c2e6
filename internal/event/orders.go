package event

import (
	"fmt"

	"tandem/internal/money"
)

// describeOrder words the events of orders and products: "Sam Seller
// recorded order #5001 for Contoso: €4,200.00", "Order #5001 delivered,
// on time".
func describeOrder(e *Event, verb string, snap map[string]any) Line {
	str := func(k string) string { s, _ := snap[k].(string); return s }
	if e.SubjectType == "product" || e.Kind == "product."+verb {
		what := "Product changed: "
		if verb == "created" {
			what = "Product added: "
		}
		return Line{Text: what + str("name") + " (" + str("sku") + ")", Link: "/products"}
	}
	n, _ := snap["number"].(float64)
	l := Line{Link: "/orders/" + e.SubjectID}
	switch verb {
	case "recorded":
		total := ""
		if r, ok := snap["revenue"].(map[string]any); ok {
			minor, _ := r["amount_minor"].(float64)
			cur, _ := r["currency"].(string)
			total = ": " + money.Money{Minor: int64(minor), Currency: cur}.String()
		}
		by := str("by_name")
		if by == "" {
			by = "Someone"
		}
		l.Text = fmt.Sprintf("%s recorded order #%.0f for %s%s", by, n, str("account_name"), total)
	case "delivered":
		l.Text = fmt.Sprintf("Order #%.0f delivered", n)
		if onTime, ok := snap["on_time"].(bool); ok {
			if onTime {
				l.Text += ", on time"
			} else {
				l.Text += ", late"
			}
		}
	default:
		l.Text = fmt.Sprintf("Order #%.0f %s", n, words(verb))
	}
	return l
}
