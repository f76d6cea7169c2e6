package demo

import (
	"context"
	"fmt"
	"time"

	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// promises adds the promise ledger of the product story: Sam's rebate to
// Contoso due this coming Thursday that service has not booked, a call
// back gone overdue, promises kept and one broken, promises beside
// Northwind's open case, and an exception to the block on feature
// promises.
func (b *book) promises(ctx context.Context) error {
	mia := b.actors["mia@example.com"]
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	byName := map[string]customer.Account{}
	for _, a := range accs {
		byName[a.Name] = a
	}
	zone := b.app.Zone()
	// At 17:00 in the team's zone, days from the book's today.
	at := func(days int) time.Time {
		d := b.now.In(zone).AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), 17, 0, 0, 0, zone)
	}
	thursday := int(time.Thursday-b.now.In(zone).Weekday()+7) % 7
	if thursday == 0 && !b.now.Before(at(0)) {
		thursday = 7
	}
	var northwindCase string
	if nw, ok := byName["Northwind Traders"]; ok {
		open, _, err := b.app.Cases(ctx, mia, store.CaseFilter{AccountID: nw.ID, Statuses: cases.Unfinished}, store.Page{Limit: 50})
		if err != nil {
			return err
		}
		for _, c := range open {
			if c.Subject == "Pallets arrived short by four units" {
				northwindCase = c.ID
			}
		}
	}
	eur := func(major int64) *promise.Money { return &promise.Money{Minor: major * 100, Currency: "EUR"} }
	type step struct {
		after time.Duration
		to    promise.Transition
		by    string
	}
	list := []struct {
		account string
		by      string
		made    time.Time
		p       promise.Promise
		then    []step
	}{
		{"Contoso", "sam@example.com", b.now.AddDate(0, 0, -6).Add(20 * time.Minute), promise.Promise{Kind: promise.Rebate, Amount: eur(1200),
			Description: "Your volume rebate of €1,200 is credited to your account by Thursday.", DueAt: at(thursday),
			Acknowledgement: "Contoso's renewal hangs on it; I asked service to book it early"}, nil},
		{"Northwind Traders", "val@example.com", b.now.Add(-9 * time.Hour), promise.Promise{Kind: promise.DeliveryDate, CaseID: northwindCase,
			Description: "The four missing units arrive before Friday's production run.", DueAt: at(2)}, nil},
		{"Northwind Traders", "sam@example.com", b.now.Add(-8 * time.Hour), promise.Promise{Kind: promise.Callback, CaseID: northwindCase,
			Description: "I call you tomorrow to confirm the replacement pallets are on the truck.", DueAt: at(1)}, nil},
		{"Tailspin Toys", "sue@example.com", b.now.Add(-27 * time.Hour), promise.Promise{Kind: promise.Callback,
			Description: "I call you back this afternoon with the new price list.", DueAt: b.now.Add(-3 * time.Hour)}, nil},
		{"Fabrikam", "val@example.com", b.now.AddDate(0, 0, -20), promise.Promise{Kind: promise.DeliveryDate,
			Description: "The replacement motor is with you by the 14th.", DueAt: b.now.AddDate(0, 0, -10)},
			[]step{{9 * 24 * time.Hour, promise.Transition{To: promise.Kept, Evidence: "Delivered a day early, signed for by their receiving team."}, "val@example.com"}}},
		{"Fabrikam", "sam@example.com", b.now.AddDate(0, 0, -40), promise.Promise{Kind: promise.Discount, Amount: eur(350),
			Description: "You get 5% off the spring order, about €350.", DueAt: b.now.AddDate(0, 0, -30)},
			[]step{{9 * 24 * time.Hour, promise.Transition{To: promise.Kept, Evidence: "Credit note CN-2231"}, "mia@example.com"}}},
		{"Contoso", "sam@example.com", b.now.AddDate(0, 0, -15), promise.Promise{Kind: promise.Callback,
			Description: "I call you Monday about the renewal terms.", DueAt: b.now.AddDate(0, 0, -12)},
			[]step{{2 * 24 * time.Hour, promise.Transition{To: promise.Kept, Evidence: "Called; they want a proposal."}, "sam@example.com"}}},
		// A block policy refuses feature promises; Mia recorded this one
		// as an exception.
		{"Contoso", "mia@example.com", b.now.AddDate(0, 0, -5), promise.Promise{Kind: promise.Feature,
			Description: "The export to your ERP ships in the spring release, before your renewal.", DueAt: at(45),
			ExceptionReason: "Product confirmed the ERP export is in the spring release; the public roadmap is out of date"}, nil},
		{"Tailspin Toys", "sue@example.com", b.now.AddDate(0, 0, -25), promise.Promise{Kind: promise.DeliveryDate,
			Description: "Your display stands ship by the end of the month.", DueAt: b.now.AddDate(0, 0, -8)},
			[]step{{16 * 24 * time.Hour, promise.Transition{To: promise.Broken, Reason: "The supplier missed its slot; told the customer and offered a credit."}, "sue@example.com"}}},
	}
	for _, x := range list {
		acc, ok := byName[x.account]
		if !ok {
			continue
		}
		b.clock = x.made
		x.p.AccountID = acc.ID
		p, err := b.app.MakePromise(ctx, b.actors[x.by], x.p)
		if err != nil {
			return fmt.Errorf("demo promise to %s: %w", x.account, err)
		}
		if !x.p.DueAt.After(b.now) {
			// Its due time passed in the book: the clock's check ran then.
			b.clock = x.p.DueAt.Add(time.Second)
			if len(x.then) == 0 || x.made.Add(x.then[0].after).After(x.p.DueAt) {
				if err := b.app.CheckPromiseDue(ctx, p.ID); err != nil {
					return err
				}
			}
		}
		for _, s := range x.then {
			b.clock = x.made.Add(s.after)
			if _, _, err := b.app.TransitionPromise(ctx, b.actors[s.by], p.ID, s.to, nil, 0); err != nil {
				return fmt.Errorf("demo promise to %s: %w", x.account, err)
			}
		}
	}
	return nil
}
