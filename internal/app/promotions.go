package app

import (
	"context"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
	"tandem/internal/promotion"
	"tandem/internal/store"
)

// CreatePromotion adds a promotion (managers).
func (a *App) CreatePromotion(ctx context.Context, actor access.Actor, p promotion.Promotion) (promotion.Promotion, error) {
	if err := actor.Require(access.EditPromotions, false); err != nil {
		return promotion.Promotion{}, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return p, err
	}
	now := a.Now()
	p.ID, p.CreatedAt, p.UpdatedAt, p.Version = newID(), now, now, 1
	p.StartsAt, p.EndsAt = p.StartsAt.UTC().Truncate(time.Millisecond), p.EndsAt.UTC().Truncate(time.Millisecond)
	return p, a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertPromotion(ctx, p); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "promotion.created", subjectType: "promotion", subjectID: p.ID, offTimeline: true, after: p})
	})
}

// PromotionPatch holds the promotion fields to change; nil leaves one as it is.
type PromotionPatch struct {
	Name, Terms, PromiseKind *string
	StartsAt, EndsAt         *time.Time
	PromiseDays              *int
	Active                   *bool
	Tiers                    *[]string
}

// UpdatePromotion changes a promotion (managers). version is the one the
// caller read (0: any).
func (a *App) UpdatePromotion(ctx context.Context, actor access.Actor, id string, patch PromotionPatch, version int64) (promotion.Promotion, error) {
	if err := actor.Require(access.EditPromotions, false); err != nil {
		return promotion.Promotion{}, err
	}
	var out promotion.Promotion
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Promotion(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("promotion")
		}
		p := before
		for dst, v := range map[*string]*string{&p.Name: patch.Name, &p.Terms: patch.Terms, &p.PromiseKind: patch.PromiseKind} {
			if v != nil {
				*dst = *v
			}
		}
		if patch.StartsAt != nil {
			p.StartsAt = patch.StartsAt.UTC().Truncate(time.Millisecond)
		}
		if patch.EndsAt != nil {
			p.EndsAt = patch.EndsAt.UTC().Truncate(time.Millisecond)
		}
		if patch.PromiseDays != nil {
			p.PromiseDays = *patch.PromiseDays
		}
		if patch.Active != nil {
			p.Active = *patch.Active
		}
		if patch.Tiers != nil {
			p.Tiers = *patch.Tiers
		}
		p.Normalize()
		if err := p.Validate(); err != nil {
			return err
		}
		now := a.Now()
		p.UpdatedAt, p.Version = now, before.Version+1
		if err := tx.UpdatePromotion(ctx, p, before.Version); err != nil {
			return err
		}
		out = p
		return a.record(ctx, tx, actor, now, change{kind: "promotion.updated", subjectType: "promotion", subjectID: p.ID, offTimeline: true,
			before: before, after: p})
	})
	return out, err
}

// Promotion returns one promotion.
func (a *App) Promotion(ctx context.Context, actor access.Actor, id string) (promotion.Promotion, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return promotion.Promotion{}, err
	}
	return a.store.Promotion(ctx, id)
}

// Promotions lists promotions, the latest to start first; running keeps
// those on now.
func (a *App) Promotions(ctx context.Context, actor access.Actor, running bool, p store.Page) ([]promotion.Promotion, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	var f store.PromotionFilter
	if running {
		f.RunningAt = a.Now()
	}
	return a.store.Promotions(ctx, f, p)
}

// PromotionsFor lists the promotions running now for an account of a tier:
// what service sees beside the account and its cases.
func (a *App) PromotionsFor(ctx context.Context, actor access.Actor, tier string) ([]promotion.Promotion, error) {
	list, _, err := a.Promotions(ctx, actor, true, store.Page{Limit: 50})
	if err != nil {
		return nil, err
	}
	out := list[:0]
	for _, p := range list {
		if p.AppliesTo(tier) {
			out = append(out, p)
		}
	}
	return out, nil
}
