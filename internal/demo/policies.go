package demo

import (
	"context"
	"fmt"

	"tandem/internal/rules"
)

// DemoPolicies are the service policies of the demo book: the rebate
// payment window the story turns on, a block on large discounts, and a
// block on promising features (Mia recorded one exception to it).
var DemoPolicies = []rules.Policy{
	{Name: "Rebate payment window", Statement: "Rebates are paid 6–8 weeks after the claim",
		Rule: `promise.kind == "rebate" && promise.due_in_days < 42`, Severity: rules.Warn},
	{Name: "Discount approval", Statement: "Discounts worth more than €5,000 are agreed with a manager before they are promised",
		Rule:     `promise.kind == "discount" && promise.currency == "EUR" && promise.amount_minor > 500000 && maker.role in ["sales", "service"]`,
		Severity: rules.Block},
	{Name: "Roadmap features", Statement: "We promise only features that are on the published roadmap; anything else is product management's call",
		Rule: `promise.kind == "feature"`, Severity: rules.Block},
}

// policies has Mia write the service policies: the rebate window three
// months ago, the discount rule last month.
func (b *book) policies(ctx context.Context) error {
	mia := b.actors["mia@example.com"]
	saved := b.clock
	defer func() { b.clock = saved }()
	for i, p := range DemoPolicies {
		b.clock = b.now.AddDate(0, -3+2*i, 0)
		if i == 2 {
			b.clock = b.now.AddDate(0, 0, -14)
		}
		p.EffectiveFrom = b.clock
		if _, err := b.app.SaveServicePolicy(ctx, mia, p, 0); err != nil {
			return fmt.Errorf("demo policy %s: %w", p.Name, err)
		}
	}
	return nil
}
