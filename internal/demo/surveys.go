package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/store"
	"tandem/internal/survey"
)

// surveys adds eighteen months of answered follow-up surveys (an NPS of
// about 35, their problems fixed and their next sales won or lost), the
// customers' yardsticks (most expect a delivery in 3–4 days), Fabrikam's
// three "yes" and a 10 from yesterday that opened a deal, Contoso's "no"
// to "Have we delivered as promised?" that opened a case, and follow-ups
// due today on Sam's home.
func (b *book) surveys(ctx context.Context) error {
	sam, val, mia := b.actors["sam@example.com"], b.actors["val@example.com"], b.actors["mia@example.com"]
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	type reach struct {
		acc customer.Account
		ct  customer.Contact
	}
	var list []reach
	named := map[string]reach{}
	for _, a := range accs {
		cts, _, err := b.app.Contacts(ctx, mia, a.ID, store.Page{Limit: 10})
		if err != nil {
			return err
		}
		for _, ct := range cts {
			if ct.Email != "" && a.OwnerID != "" {
				list = append(list, reach{a, ct})
				named[a.Name] = reach{a, ct}
				break
			}
		}
	}
	if len(list) == 0 {
		return nil
	}
	owner := func(r reach) access.Actor {
		for _, a := range b.actors {
			if a.User.ID == r.acc.OwnerID {
				return a
			}
		}
		return mia
	}
	// answer sends a template to a contact at `at` and answers it an hour
	// or so later through the customer's link.
	answer := func(r reach, templateID, trigger string, at time.Time, given map[string]string) (survey.Response, error) {
		b.clock = at
		inv, err := b.app.SendSurvey(ctx, owner(r), templateID, r.ct.ID, r.acc.ID, trigger)
		if err != nil {
			return survey.Response{}, err
		}
		b.clock = at.Add(time.Duration(30+b.rng.IntN(600)) * time.Minute)
		return b.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: inv.URL[strings.LastIndex(inv.URL, "/s/")+3:], Answers: given})
	}
	yes := true
	triggers := []string{survey.OrderDelivered, survey.OrderDelivered, survey.CaseClosed, survey.DealWon}
	comments := map[string][]string{
		"low":  {"The delivery came late and nobody told us.", "We had to call three times.", ""},
		"mid":  {"Fine, as usual.", "", "Good, though the invoice was confusing."},
		"high": {"Great service, thank you!", "", "Always on time.", "Your team knows our business."},
	}
	// Eighteen months of the follow-up survey: half promoters, a sixth
	// detractors (NPS ≈ 35).
	for k := range 150 {
		r := list[b.rng.IntN(len(list))]
		at := b.now.AddDate(0, 0, -540+k*535/150).Add(time.Duration(9+b.rng.IntN(8)) * time.Hour)
		roll := b.rng.IntN(100)
		nps, band := 9+b.rng.IntN(2), "high"
		switch {
		case roll < 16:
			nps, band = b.rng.IntN(7), "low"
		case roll < 50:
			nps, band = 7+b.rng.IntN(2), "mid"
		}
		given := map[string]string{survey.KeyAsExpected: "yes", survey.KeyDeliveredAsPromised: "yes", survey.KeyMetExpectations: "yes",
			survey.KeyNPS: strconv.Itoa(nps), survey.KeyComment: b.pick(comments[band])}
		if band == "low" && b.rng.IntN(3) > 0 {
			given[[]string{survey.KeyAsExpected, survey.KeyDeliveredAsPromised, survey.KeyMetExpectations}[b.rng.IntN(3)]] = "no"
		}
		resp, err := answer(r, survey.FollowUpID, triggers[b.rng.IntN(len(triggers))], at, given)
		if err != nil {
			return fmt.Errorf("survey %d: %w", k, err)
		}
		// What came of it, long since: the problem fixed with the
		// customer's agreement, the next sale won or lost.
		if resp.CaseID != "" && b.clock.Add(6*24*time.Hour).Before(b.now) {
			for _, t := range []cases.Transition{{To: cases.Open}, {To: cases.Resolved, Solution: "Called the customer, found the cause and put it right."},
				{To: cases.Closed, Confirmed: &yes}} {
				b.clock = b.clock.Add(time.Duration(4+b.rng.IntN(40)) * time.Hour)
				if _, err := b.app.TransitionCase(ctx, val, resp.CaseID, t, 0); err != nil {
					return fmt.Errorf("survey case: %w", err)
				}
			}
		}
		if resp.DealID != "" && b.clock.AddDate(0, 0, 50).Before(b.now) {
			b.clock = b.clock.AddDate(0, 0, 10+b.rng.IntN(40))
			t := deal.Transition{To: deal.Won}
			if b.rng.IntN(3) == 0 {
				t = deal.Transition{To: deal.Lost, LostReason: "no budget this year"}
			}
			if _, err := b.app.MoveDeal(ctx, owner(r), resp.DealID, t, 0); err != nil {
				return fmt.Errorf("survey deal: %w", err)
			}
		}
	}
	// The customers' yardsticks: most expect a delivery in 3–4 days (the
	// internal target says 7) and a first answer within a working day.
	days := []string{"3", "3", "4", "4", "3", "4", "2", "5", "3", "4", "7", "3"}
	hours := []string{"4", "8", "2", "24", "4", "8", "1"}
	for k := range 90 {
		r := list[b.rng.IntN(len(list))]
		at := b.now.AddDate(0, 0, -520+k*510/90).Add(time.Duration(10+b.rng.IntN(6)) * time.Hour)
		if _, err := answer(r, survey.YardstickID, survey.Manual, at, map[string]string{survey.KeyDeliveryDays: b.pick(days),
			survey.KeyFirstResponseHours: b.pick(hours)}); err != nil {
			return fmt.Errorf("yardstick %d: %w", k, err)
		}
	}
	// Yesterday: Contoso said no to "Have we delivered as promised?" (a
	// case, open now), and Fabrikam gave three "yes" and a 10 (a deal).
	if r, ok := named["Contoso"]; ok {
		if _, err := answer(r, survey.FollowUpID, survey.OrderDelivered, b.now.Add(-30*time.Hour), map[string]string{survey.KeyAsExpected: "yes",
			survey.KeyDeliveredAsPromised: "no", survey.KeyMetExpectations: "yes", survey.KeyNPS: "6",
			survey.KeyComment: "The pallets came two days after the date you promised."}); err != nil {
			return fmt.Errorf("the survey of Contoso: %w", err)
		}
	}
	if r, ok := named["Fabrikam"]; ok {
		if _, err := answer(r, survey.FollowUpID, survey.OrderDelivered, b.now.Add(-26*time.Hour), map[string]string{survey.KeyAsExpected: "yes",
			survey.KeyDeliveredAsPromised: "yes", survey.KeyMetExpectations: "yes", survey.KeyNPS: "10",
			survey.KeyComment: "Everything was perfect. We are thinking about the second site."}); err != nil {
			return fmt.Errorf("the survey of Fabrikam: %w", err)
		}
	}
	// Today: Sam's follow-ups of the cases closed at his accounts lately.
	closed, _, err := b.app.Cases(ctx, mia, store.CaseFilter{OwnerID: sam.User.ID, Statuses: []cases.Status{cases.Closed}, Newest: true}, store.Page{Limit: 3})
	if err != nil {
		return err
	}
	for i, c := range closed {
		b.clock = b.now.Add(-time.Duration(3+i) * time.Hour)
		if _, err := b.app.RunFollowUp(ctx, survey.CaseClosed, "case", c.ID); err != nil {
			return fmt.Errorf("a follow-up of Sam: %w", err)
		}
	}
	b.clock = b.now
	return nil
}
