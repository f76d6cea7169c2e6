package demo

import (
	"context"
	"time"

	"tandem/internal/competitor"
	"tandem/internal/customer"
	"tandem/internal/money"
	"tandem/internal/store"
)

// rivals are the competitors list Mia keeps: Globex, whom Contoso is
// talking to, first.
var rivals = []competitor.Competitor{
	{Name: "Globex", Website: "https://globex.example", Notes: "Undercuts renewals by 5–10 %; slower deliveries, no weekend service."},
	{Name: "Initech", Website: "https://initech.example", Notes: "Strong on spare parts, weak on cold chain."},
	{Name: "Umbrella Supply"}, {Name: "Soylent Partners"}, {Name: "Hooli"},
}

// competitors adds the competitors list, the shopping signals of the
// story (Contoso, after Globex's quote, tells service it is comparing
// offers; Tailspin Toys mentions a quote from "globex inc.", which counts
// for Globex) and sales' estimates of the story accounts' spend in our
// category, for their share of wallet.
func (b *book) competitors(ctx context.Context) error {
	mia, sam, val := b.actors["mia@example.com"], b.actors["sam@example.com"], b.actors["val@example.com"]
	b.clock = b.now.AddDate(0, -6, 0)
	for _, c := range rivals {
		c.Active = true
		if _, err := b.app.CreateCompetitor(ctx, mia, c); err != nil {
			return err
		}
	}
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	byName := map[string]customer.Account{}
	for _, a := range accs {
		byName[a.Name] = a
	}
	moments := []struct {
		account string
		in      customer.Interaction
	}{
		{"Contoso", customer.Interaction{Team: customer.TeamService, Channel: "phone", Direction: "in", Kind: customer.Comparing, Competitor: "Globex",
			Outcome: "neutral", Summary: "Said they are comparing our renewal with Globex's before they sign", OccurredAt: b.now.AddDate(0, 0, -1)}},
		{"Tailspin Toys", customer.Interaction{Team: customer.TeamSales, Channel: "email", Direction: "in", Kind: customer.CompetitorQuote,
			Competitor: "globex inc.", Outcome: "negative", Summary: "Forwarded a Globex quote for the spare parts bundle", OccurredAt: b.now.AddDate(0, 0, -4)}},
		{"Fabrikam", customer.Interaction{Team: customer.TeamSales, Channel: "meeting", Direction: "in", Kind: customer.Comparing,
			Outcome: "neutral", Summary: "Their new buyer compares three suppliers every year", OccurredAt: b.now.AddDate(0, 0, -12)}},
	}
	for _, m := range moments {
		acc, ok := byName[m.account]
		if !ok {
			continue
		}
		actor := b.actors["mia@example.com"]
		if m.in.Team == customer.TeamService {
			actor = val
		} else if acc.OwnerID == sam.User.ID {
			actor = sam
		}
		m.in.AccountID = acc.ID
		b.clock = m.in.OccurredAt.Add(10 * time.Minute)
		if _, err := b.app.LogInteraction(ctx, actor, m.in); err != nil {
			return err
		}
		b.interactions++
	}
	// Sales' estimates of the yearly spend in our category: Contoso buys
	// most of it elsewhere.
	for _, w := range []struct {
		name  string
		euros int64
	}{{"Contoso", 400000}, {"Northwind Traders", 150000}, {"Fabrikam", 90000}} {
		acc, ok := byName[w.name]
		if !ok {
			continue
		}
		b.clock = b.now.AddDate(0, 0, -20)
		if _, err := b.app.SetWallet(ctx, mia, acc.ID, &money.Money{Minor: w.euros * 100, Currency: "EUR"}, "From the last account review"); err != nil {
			return err
		}
	}
	return nil
}
