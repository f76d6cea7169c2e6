package sla

import "time"

// State is how a case stands against one target.
type State string

const (
	OnTrack  State = "on_track"
	AtRisk   State = "at_risk"
	Breached State = "breached"
	Met      State = "met"
)

// AtRiskShare is the share of a target after which a clock is at risk.
const AtRiskShare = 0.8

// Clock measures one target (first response or resolution) of a case in
// business time. It pauses while the case waits on the customer.
type Clock struct {
	Started  time.Time
	Target   time.Duration // business time
	Paused   time.Duration // business time spent paused, before PausedAt
	PausedAt time.Time     // zero while running
	Stopped  time.Time     // when the target was reached (responded, resolved)
}

// Elapsed is the business time that counts against the target at now.
func (c Clock) Elapsed(cal Calendar, now time.Time) time.Duration {
	end := now
	if !c.Stopped.IsZero() && c.Stopped.Before(end) {
		end = c.Stopped
	}
	if !c.PausedAt.IsZero() && c.PausedAt.Before(end) {
		end = c.PausedAt
	}
	return cal.Between(c.Started, end) - c.Paused
}

// Due is when the target runs out if the clock keeps running.
func (c Clock) Due(cal Calendar) time.Time { return cal.Add(c.Started, c.Target+c.Paused) }

// AtRiskAt is when the clock goes at risk if it keeps running.
func (c Clock) AtRiskAt(cal Calendar) time.Time {
	return cal.Add(c.Started, time.Duration(float64(c.Target)*AtRiskShare)+c.Paused)
}

// State is the clock's state at now: met when it stopped within the
// target, breached from the moment the target is used up.
func (c Clock) State(cal Calendar, now time.Time) State {
	e := c.Elapsed(cal, now)
	stopped := !c.Stopped.IsZero() && !c.Stopped.After(now)
	switch {
	case stopped && e <= c.Target:
		return Met
	case e >= c.Target:
		return Breached
	case float64(e) >= float64(c.Target)*AtRiskShare:
		return AtRisk
	}
	return OnTrack
}

// Pause stops the clock at now (waiting on the customer).
func (c *Clock) Pause(now time.Time) {
	if c.PausedAt.IsZero() && c.Stopped.IsZero() {
		c.PausedAt = now
	}
}

// Resume restarts a paused clock at now.
func (c *Clock) Resume(cal Calendar, now time.Time) {
	if !c.PausedAt.IsZero() {
		c.Paused += cal.Between(c.PausedAt, now)
		c.PausedAt = time.Time{}
	}
}

// Stop records that the target was reached at now.
func (c *Clock) Stop(cal Calendar, now time.Time) {
	c.Resume(cal, now)
	if c.Stopped.IsZero() {
		c.Stopped = now
	}
}
