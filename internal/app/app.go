// Package app holds one method per user action. Each authorises the actor,
// validates the input, and in one transaction writes the state and the event
// that records it. The API, the web UI, the CLI and the workers all call it.
package app

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/event"
	"tandem/internal/sla"
	"tandem/internal/store"
)

// App is Tandem's use cases over a store.
type App struct {
	store    *store.Store
	now      func() time.Time
	region   string
	log      *slog.Logger
	settings *slaSettings
	jobs     Scheduler
	auth     *authCache
	// publicURL is where links in email point; empty when email is off.
	publicURL string
	links     signingKey
	// servicePolicies caches the service policies with their compiled rules.
	servicePolicies policyCache
	// surveyKeys caches the keys that sign survey links; surveyDefaults
	// is set once the default survey templates are known to be stored.
	surveyKeys     surveyKeys
	surveyDefaults atomic.Bool
}

// Scheduler enqueues background work inside a business transaction.
type Scheduler interface {
	// ScheduleSLACheck has a case's SLA checked at a moment; asking twice
	// for the same case and moment schedules one check.
	ScheduleSLACheck(ctx context.Context, tx *store.Tx, caseID string, at time.Time) error
}

// SetScheduler connects the job queue; without one nothing is scheduled.
func (a *App) SetScheduler(s Scheduler) { a.jobs = s }

// WithCalendar fixes the service calendar, whatever is stored (for tests).
func WithCalendar(c sla.Calendar) Option {
	return func(a *App) { a.settings.calendar, a.settings.fixed = c, true }
}

// WithPolicy fixes the SLA policy, whatever is stored (for tests).
func WithPolicy(p cases.Policy) Option {
	return func(a *App) { a.settings.policy, a.settings.fixed = p, true }
}

// Option configures an App.
type Option func(*App)

// WithClock replaces the wall clock (for tests and the demo book).
func WithClock(now func() time.Time) Option { return func(a *App) { a.now = now } }

// WithRegion sets the region used to read phone numbers without a country code.
func WithRegion(region string) Option { return func(a *App) { a.region = region } }

// WithTimeZone sets the zone of the default service calendar (Monday to
// Friday, 09:00–17:00), used until someone saves a calendar.
func WithTimeZone(loc *time.Location) Option {
	return func(a *App) { a.settings.zone, a.settings.calendar = loc.String(), sla.Default(loc) }
}

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(a *App) { a.log = l } }

// New returns the app over a store.
func New(s *store.Store, opts ...Option) *App {
	a := &App{store: s, now: time.Now, region: "US", log: slog.Default(),
		settings: &slaSettings{zone: "UTC", calendar: sla.Default(time.UTC), policy: cases.DefaultPolicy()}, auth: newAuthCache()}
	for _, o := range opts {
		o(a)
	}
	return a
}

// Store exposes the store for health checks.
func (a *App) Store() *store.Store { return a.store }

// Now is the app's clock, in UTC and millisecond precision like the store.
func (a *App) Now() time.Time { return a.now().UTC().Truncate(time.Millisecond) }

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// eventID is a UUIDv7 whose time is the event's own, so that the log's
// order by id (the audit trail's, without an index on at) is its order in
// time even when the clock is not the wall clock (the demo book).
func eventID(at time.Time) string {
	id := uuid.Must(uuid.NewV7())
	ms := uint64(max(at.UnixMilli(), 0))
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	return id.String()
}

// change describes the event that records a change.
type change struct {
	kind        string
	accountID   string
	subjectType string
	subjectID   string
	team        string
	before      any
	after       any
	offTimeline bool
}

func (a *App) record(ctx context.Context, tx *store.Tx, actor access.Actor, at time.Time, c change) error {
	if changesAccess(c.kind) {
		tx.AfterCommit(a.auth.clear)
	}
	if trigger, ok := surveyTriggers[c.kind]; ok {
		// What a follow-up survey follows: scheduled in this transaction.
		if err := a.surveyTrigger(ctx, tx, trigger, c.subjectType, c.subjectID); err != nil {
			return err
		}
	}
	before, after := snapshot(c.before), snapshot(c.after)
	switch {
	case c.kind == logged:
		after = nil // the interaction is its own record (see asLogged)
	case before != nil && after != nil:
		before, after = event.Changed(before, after)
	}
	return tx.AppendEvent(ctx, event.Event{
		ID: eventID(at), At: at, ActorID: actor.User.ID, AccountID: c.accountID,
		SubjectType: c.subjectType, SubjectID: c.subjectID, Kind: c.kind, Team: c.team,
		Before: before, After: after,
	}, !c.offTimeline)
}

// surveyTriggers are the events a follow-up survey follows, with their
// trigger.
var surveyTriggers = map[string]string{
	"order.delivered": "order_delivered",
	"case.closed":     "case_closed",
	"deal.won":        "deal_won",
	"promise.kept":    "promise_kept",
}

func snapshot(v any) []byte {
	if v == nil {
		return nil
	}
	return event.Snapshot(v)
}
