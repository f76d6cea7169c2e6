package app

import (
	"context"
	"encoding/json"

	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/sla"
	"tandem/internal/store"
)

// RedueBatch is how many open cases one transaction recomputes after the
// calendar or the policy changed: the save recomputes the first batch
// itself, and a job each further one (docs/adr/0030-statistics-and-due-times.md).
const RedueBatch = 500

// DueScheduler is a Scheduler that can also have the due times of the
// open cases after afterID recomputed later, by a job enqueued in tx.
type DueScheduler interface {
	ScheduleRedue(ctx context.Context, tx *store.Tx, afterID string) error
}

// slaIn compiles the calendar and policy as tx sees them, so that a save
// recomputes with what it has just written.
func (a *App) slaIn(ctx context.Context, tx *store.Tx) (sla.Calendar, cases.Policy, error) {
	if a.settings.fixed {
		return a.settings.calendar, a.settings.policy, nil
	}
	calSpec := sla.DefaultSpec(a.settings.zone)
	polSpec := cases.DefaultPolicySpec()
	for key, spec := range map[string]any{CalendarKey: &calSpec, PolicyKey: &polSpec} {
		st, found, err := tx.Setting(ctx, key)
		if err != nil {
			return sla.Calendar{}, cases.Policy{}, err
		}
		if found {
			if err := json.Unmarshal(st.Spec, spec); err != nil {
				return sla.Calendar{}, cases.Policy{}, err
			}
		}
	}
	cal, err := calSpec.Compile()
	if err != nil {
		return sla.Calendar{}, cases.Policy{}, err
	}
	pol, err := polSpec.Compile()
	return cal, pol, err
}

// redue recomputes, in tx, the targets and due times of the open cases
// after afterID on the calendar and policy tx sees, a batch of them, and
// returns the last case it read ("" when none are left). A case whose
// targets or due times move keeps its other fields; it loses the alerts
// that no longer hold (an at-risk alert when it is back on track), and is
// checked at once, so a case the change has put past its deadline is
// alerted now; its next check is scheduled on the new calendar.
func (a *App) redue(ctx context.Context, tx *store.Tx, afterID string, limit int) (string, error) {
	cal, pol, err := a.slaIn(ctx, tx)
	if err != nil {
		return "", err
	}
	list, err := tx.UnfinishedCases(ctx, afterID, limit)
	if err != nil || len(list) == 0 {
		return "", err
	}
	now := a.Now()
	accounts := map[string]customer.Account{}
	for _, c := range list {
		acc, ok := accounts[c.AccountID]
		if !ok {
			if acc, err = tx.Account(ctx, c.AccountID); err != nil {
				return "", err
			}
			accounts[c.AccountID] = acc
		}
		before := c
		t := pol.For(acc.Tier, c.Priority)
		c.Clocks.FirstResponseTarget, c.Clocks.ResolutionTarget = t.FirstResponse, t.Resolution
		a.refreshDueOn(&c, cal)
		if sameDue(c.Clocks, before.Clocks) {
			continue
		}
		fr, res := a.clocks(c)
		for _, al := range []struct {
			bit   int
			clock sla.Clock
			holds func(sla.State) bool
		}{
			{cases.AlertFirstResponseBreached, fr, func(s sla.State) bool { return s == sla.Breached }},
			{cases.AlertFirstResponseAtRisk, fr, func(s sla.State) bool { return s != sla.OnTrack }},
			{cases.AlertResolutionBreached, res, func(s sla.State) bool { return s == sla.Breached }},
			{cases.AlertResolutionAtRisk, res, func(s sla.State) bool { return s != sla.OnTrack }},
		} {
			if c.Clocks.Alerts&al.bit != 0 && !al.holds(al.clock.State(cal, now)) {
				c.Clocks.Alerts &^= al.bit
			}
		}
		c.Version = before.Version + 1
		if err := tx.UpdateCase(ctx, c, before.Version); err != nil {
			return "", err
		}
		if err := a.checkSLA(ctx, tx, c, cal, PlanAhead); err != nil {
			return "", err
		}
	}
	if len(list) < limit {
		return "", nil
	}
	return list[len(list)-1].ID, nil
}

// redueOpenCases recomputes the open cases' due times after the calendar
// or policy was saved in tx: the first batch at once, the rest by a job
// enqueued in tx (or here too, without a job queue).
func (a *App) redueOpenCases(ctx context.Context, tx *store.Tx) error {
	after, err := a.redue(ctx, tx, "", RedueBatch)
	if err != nil || after == "" {
		return err
	}
	if s, ok := a.jobs.(DueScheduler); ok {
		return s.ScheduleRedue(ctx, tx, after)
	}
	for after != "" {
		if after, err = a.redue(ctx, tx, after, RedueBatch); err != nil {
			return err
		}
	}
	return nil
}

// RedueAfter recomputes the next batch of open cases after afterID in a
// transaction of its own, and enqueues the batch after it in the same
// transaction: the job a calendar or policy change leaves.
func (a *App) RedueAfter(ctx context.Context, afterID string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		next, err := a.redue(ctx, tx, afterID, RedueBatch)
		if err != nil || next == "" {
			return err
		}
		if s, ok := a.jobs.(DueScheduler); ok {
			return s.ScheduleRedue(ctx, tx, next)
		}
		for next != "" {
			if next, err = a.redue(ctx, tx, next, RedueBatch); err != nil {
				return err
			}
		}
		return nil
	})
}

// sameDue is whether two cases' targets and due times agree (the stored
// times may be in another location than the computed ones).
func sameDue(a, b cases.Clocks) bool {
	return a.FirstResponseTarget == b.FirstResponseTarget && a.ResolutionTarget == b.ResolutionTarget &&
		a.FirstResponseDue.Equal(b.FirstResponseDue) && a.ResolutionDue.Equal(b.ResolutionDue) && a.AtRiskAt.Equal(b.AtRiskAt)
}
