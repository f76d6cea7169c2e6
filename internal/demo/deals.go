package demo

import (
	"context"
	"fmt"
	"time"

	"tandem/internal/access"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// deals adds the pipeline: open deals in every stage for Sam and Sue,
// two service follow-ups Val started that Sam and Sue won, and two deals
// lost to Globex.
func (b *book) deals(ctx context.Context) error {
	sam, sue, val, mia := b.actors["sam@example.com"], b.actors["sue@example.com"], b.actors["val@example.com"], b.actors["mia@example.com"]
	accs, _, err := b.app.Accounts(ctx, mia, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	owned := map[string][]customer.Account{}
	for _, a := range accs {
		owned[a.OwnerID] = append(owned[a.OwnerID], a)
	}
	eur := func(euros int64) promise.Money { return promise.Money{Minor: euros * 100, Currency: "EUR"} }
	day := func(days int) time.Time { return b.now.AddDate(0, 0, days) }
	titles := []string{"Renewal 2027", "Second warehouse", "Pallet wrap contract", "Cold-chain upgrade", "Spare parts bundle", "Fleet service plan"}
	p := deal.DefaultPipeline()
	start := func(owner access.Actor, acc customer.Account, i int, stage string) (deal.Deal, error) {
		b.clock = b.now.AddDate(0, 0, -30+i)
		d, err := b.app.CreateDeal(ctx, owner, deal.Deal{AccountID: acc.ID, Title: titles[i%len(titles)], Amount: eur(int64(2000 + 1500*i)),
			ExpectedClose: day(-5 + 9*i), Source: []string{deal.SourceNew, deal.SourceRenewal, deal.SourceReferral}[i%3]})
		if err != nil {
			return d, err
		}
		for _, s := range p.Open()[1:] {
			if d.Stage == stage {
				break
			}
			b.clock = b.clock.Add(24 * time.Hour)
			if d, err = b.app.MoveDeal(ctx, owner, d.ID, deal.Transition{To: s.Key}, 0); err != nil {
				return d, err
			}
		}
		return d, nil
	}
	for _, owner := range []access.Actor{sam, sue} {
		mine := owned[owner.User.ID]
		if len(mine) == 0 {
			continue
		}
		for i, s := range p.Open() {
			for k := range 2 {
				if _, err := start(owner, mine[(i*2+k)%len(mine)], i*2+k, s.Key); err != nil {
					return fmt.Errorf("%s's deal: %w", owner.User.Name, err)
				}
			}
		}
		// Lost to Globex.
		d, err := start(owner, mine[len(mine)-1], 5, "negotiate")
		if err != nil {
			return err
		}
		b.clock = b.now.AddDate(0, 0, -10)
		if _, err := b.app.MoveDeal(ctx, owner, d.ID, deal.Transition{To: deal.Lost, LostReason: "price", LostTo: "Globex"}, 0); err != nil {
			return err
		}
		// A service follow-up Val started from a case, which the owner won.
		for _, acc := range mine {
			cs, _, err := b.app.Cases(ctx, mia, store.CaseFilter{AccountID: acc.ID}, store.Page{Limit: 1})
			if err != nil {
				return err
			}
			if len(cs) == 0 {
				continue
			}
			b.clock = b.now.AddDate(0, 0, -20)
			f, err := b.app.StartDealFromCase(ctx, val, cs[0].ID, "Extra service hours", eur(4800))
			if err != nil {
				return err
			}
			b.clock = b.now.AddDate(0, 0, -6)
			if _, err := b.app.MoveDeal(ctx, owner, f.ID, deal.Transition{To: deal.Won}, 0); err != nil {
				return err
			}
			break
		}
	}
	return nil
}
