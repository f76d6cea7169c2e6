// Package jobs runs Tandem's background work on River: jobs are enqueued
// in the business transaction that causes them (InsertTx), survive
// restarts, retry with backoff, and run once even with several processes
// on one PostgreSQL database.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"tandem/internal/app"
	"tandem/internal/store"
)

// Lead is how much earlier than its moment a timed job is scheduled: River
// moves scheduled jobs to the queue every few seconds, so a job scheduled a
// little early and waiting for its moment in the worker fires on time.
const Lead = 6 * time.Second

// early is when a job for a moment is scheduled: Lead before it, or zero
// (available at once) when that has passed. River keeps any job given a
// ScheduledAt as scheduled until its scheduler next runs (every 5 s), even
// one whose time has passed, so a moment less than Lead away would fire up
// to 5 s late.
func early(at time.Time) time.Time {
	if s := at.Add(-Lead); s.After(time.Now()) {
		return s
	}
	return time.Time{}
}

// waitFor waits, in a job scheduled early, for its moment.
func waitFor(ctx context.Context, at time.Time) error {
	if wait := time.Until(at); wait > 0 {
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// SLACheckArgs asks for a case's SLA to be checked at a moment (when a clock
// goes at risk or runs out).
type SLACheckArgs struct {
	CaseID string    `json:"case_id"`
	At     time.Time `json:"at"`
}

// Kind names the job.
func (SLACheckArgs) Kind() string { return "sla_check" }

type slaWorker struct {
	river.WorkerDefaults[SLACheckArgs]
	app *app.App
}

func (w *slaWorker) Work(ctx context.Context, job *river.Job[SLACheckArgs]) error {
	if err := waitFor(ctx, job.Args.At); err != nil {
		return err
	}
	return w.app.CheckSLA(ctx, job.Args.CaseID)
}

// PlanArgs asks for the SLA checks of the next minutes to be scheduled.
type PlanArgs struct{}

// Kind names the job.
func (PlanArgs) Kind() string { return "sla_plan" }

type planWorker struct {
	river.WorkerDefaults[PlanArgs]
	app *app.App
}

func (w *planWorker) Work(ctx context.Context, job *river.Job[PlanArgs]) error {
	if err := w.app.PlanChecks(ctx); err != nil {
		return err
	}
	return w.app.PlanPromiseChecks(ctx)
}

// ForgetArgs asks for what has expired (Idempotency-Keys, forgiven
// sign-in failures) to be removed.
type ForgetArgs struct{}

// Kind names the job.
func (ForgetArgs) Kind() string { return "forget_expired" }

type forgetWorker struct {
	river.WorkerDefaults[ForgetArgs]
	app *app.App
}

func (w *forgetWorker) Work(ctx context.Context, job *river.Job[ForgetArgs]) error {
	_, err := w.app.ForgetExpired(ctx)
	return err
}

// ForgetEvery is how often what has expired is removed.
const ForgetEvery = time.Hour

// RedueArgs asks for the due times of the open cases after AfterID (in id
// order) to be recomputed on the calendar and policy in force, a batch at
// a time, after one of them changed.
type RedueArgs struct {
	AfterID string `json:"after_id"`
}

// Kind names the job.
func (RedueArgs) Kind() string { return "sla_redue" }

type redueWorker struct {
	river.WorkerDefaults[RedueArgs]
	app *app.App
}

func (w *redueWorker) Work(ctx context.Context, job *river.Job[RedueArgs]) error {
	return w.app.RedueAfter(ctx, job.Args.AfterID)
}

// ScheduleRedue enqueues, in the transaction tx, the recomputing of the
// open cases after afterID.
func (q *Queue) ScheduleRedue(ctx context.Context, tx *store.Tx, afterID string) error {
	_, err := q.client.InsertTx(tx.Detach(ctx), tx.SQL(), RedueArgs{AfterID: afterID}, nil)
	return err
}

// OptimizeArgs asks for the query planner's statistics to be brought up
// to date where the book has grown or shrunk (store.Optimize).
type OptimizeArgs struct{}

// Kind names the job.
func (OptimizeArgs) Kind() string { return "store_optimize" }

type optimizeWorker struct {
	river.WorkerDefaults[OptimizeArgs]
	st *store.Store
}

func (w *optimizeWorker) Work(ctx context.Context, job *river.Job[OptimizeArgs]) error {
	return w.st.Optimize(ctx)
}

// OptimizeEvery is how often the planner's statistics are looked at; the
// store also does at every start.
const OptimizeEvery = time.Hour

// EmailArgs asks for the outbox's due email to be sent.
type EmailArgs struct{}

// Kind names the job.
func (EmailArgs) Kind() string { return "email_send" }

type emailWorker struct {
	river.WorkerDefaults[EmailArgs]
	app    *app.App
	mailer app.Mailer
}

func (w *emailWorker) Work(ctx context.Context, job *river.Job[EmailArgs]) error {
	if w.mailer == nil {
		return nil // left by a process that had email on
	}
	_, err := w.app.SendDueEmails(ctx, w.mailer)
	return err
}

// EmailEvery is how often the outbox is sent.
const EmailEvery = 2 * time.Second

// Queue is the job queue of one process.
type Queue struct {
	client *river.Client[*sql.Tx]
}

// driver picks River's driver for the store's engine.
func driver(st *store.Store) riverdriver.Driver[*sql.Tx] {
	if st.Engine() == store.SQLite {
		return riversqlite.New(st.JobsDB())
	}
	return riverdatabasesql.New(st.JobsDB())
}

// Migrate brings River's own tables up to date.
func Migrate(ctx context.Context, st *store.Store) error {
	m, err := rivermigrate.New(driver(st), nil)
	if err != nil {
		return err
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating the job queue: %w", err)
	}
	return nil
}

// Config chooses what a queue does.
type Config struct {
	Workers int // 0: this process only enqueues
	Log     *slog.Logger
	// Verbose lets River say what it does (started, stopped, job counts);
	// without it only River's warnings and real errors reach Log.
	Verbose bool
	Mailer  app.Mailer           // nil: email stays in the outbox
	extra   func(*river.Workers) // tests add their own workers
}

// New makes the queue of a process and registers it with the app as its
// scheduler. Call Start to work jobs.
func New(ctx context.Context, st *store.Store, a *app.App, cfg Config) (*Queue, error) {
	if err := Migrate(ctx, st); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &slaWorker{app: a})
	river.AddWorker(workers, &planWorker{app: a})
	river.AddWorker(workers, &emailWorker{app: a, mailer: cfg.Mailer})
	river.AddWorker(workers, &forgetWorker{app: a})
	river.AddWorker(workers, &promiseWorker{app: a})
	river.AddWorker(workers, &redueWorker{app: a})
	river.AddWorker(workers, &optimizeWorker{st: st})
	river.AddWorker(workers, &followUpWorker{app: a})
	river.AddWorker(workers, &followUpsWorker{app: a})
	if cfg.extra != nil {
		cfg.extra(workers)
	}
	var next slog.Handler
	if cfg.Log != nil {
		next = cfg.Log.Handler()
	}
	rc := &river.Config{Workers: workers, Logger: slog.New(newLibraryLog(next, cfg.Verbose)), FetchPollInterval: 500 * time.Millisecond, PollOnly: true,
		MaxAttempts: 10, PeriodicJobs: []*river.PeriodicJob{
			// The leader plans a minute at a time, well inside app.PlanAhead.
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute), func() (river.JobArgs, *river.InsertOpts) {
				return PlanArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(ForgetEvery), func() (river.JobArgs, *river.InsertOpts) {
				return ForgetArgs{}, nil
			}, &river.PeriodicJobOpts{RunOnStart: true}),
			// Not unique, and each run ends before the next: a run left
			// "running" by a killed process must not hold the next ones
			// back; runs beside each other are safe, as each follow-up is
			// claimed before it is made.
			river.NewPeriodicJob(river.PeriodicInterval(FollowUpsEvery), func() (river.JobArgs, *river.InsertOpts) {
				return FollowUpsArgs{}, &river.InsertOpts{MaxAttempts: 1}
			}, &river.PeriodicJobOpts{RunOnStart: true}),
			// Not on start: opening the store has just done it.
			river.NewPeriodicJob(river.PeriodicInterval(OptimizeEvery), func() (river.JobArgs, *river.InsertOpts) {
				return OptimizeArgs{}, nil
			}, nil),
		}}
	if cfg.Mailer != nil {
		// A send every EmailEvery, enqueued by the leader. Not unique: a
		// send left "running" by a process that was killed must not hold
		// back the next ones (it would, until River rescues it an hour
		// later). Sends beside each other are safe: each email is claimed
		// before it goes (app.SendDueEmails).
		rc.PeriodicJobs = append(rc.PeriodicJobs, river.NewPeriodicJob(river.PeriodicInterval(EmailEvery), func() (river.JobArgs, *river.InsertOpts) {
			return EmailArgs{}, &river.InsertOpts{MaxAttempts: 1}
		}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	if cfg.Workers > 0 {
		// The follow-up queue is worked for the jobs queued in it before
		// follow-ups were drained from their own table.
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}, FollowUpQueue: {MaxWorkers: 1}}
	}
	client, err := river.NewClient(driver(st), rc)
	if err != nil {
		return nil, err
	}
	q := &Queue{client: client}
	a.SetScheduler(q)
	return q, nil
}

// Start works jobs until Stop.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop finishes the jobs at hand and stops.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// ScheduleSLACheck enqueues, in the transaction tx, a check of a case at a
// moment; the same case and moment are checked once.
func (q *Queue) ScheduleSLACheck(ctx context.Context, tx *store.Tx, caseID string, at time.Time) error {
	_, err := q.client.InsertTx(tx.Detach(ctx), tx.SQL(), SLACheckArgs{CaseID: caseID, At: at},
		&river.InsertOpts{ScheduledAt: early(at), UniqueOpts: river.UniqueOpts{ByArgs: true}})
	return err
}

// PromiseCheckArgs asks for a promise to be checked at a moment: its due
// time (it goes overdue unless kept) or the end of its grace period (it
// breaks unless kept).
type PromiseCheckArgs struct {
	PromiseID string    `json:"promise_id"`
	At        time.Time `json:"at"`
}

// Kind names the job.
func (PromiseCheckArgs) Kind() string { return "promise_check" }

type promiseWorker struct {
	river.WorkerDefaults[PromiseCheckArgs]
	app *app.App
}

func (w *promiseWorker) Work(ctx context.Context, job *river.Job[PromiseCheckArgs]) error {
	if err := waitFor(ctx, job.Args.At); err != nil {
		return err
	}
	return w.app.CheckPromiseDue(ctx, job.Args.PromiseID)
}

// SchedulePromiseCheck enqueues, in the transaction tx, a check of a
// promise at a moment; the same promise and moment are checked once.
func (q *Queue) SchedulePromiseCheck(ctx context.Context, tx *store.Tx, promiseID string, at time.Time) error {
	_, err := q.client.InsertTx(tx.Detach(ctx), tx.SQL(), PromiseCheckArgs{PromiseID: promiseID, At: at},
		&river.InsertOpts{ScheduledAt: early(at), UniqueOpts: river.UniqueOpts{ByArgs: true}})
	return err
}

// FollowUpsArgs asks for the follow-ups that are due to be made (the
// drain of the survey_follow_ups_due table the triggers write).
type FollowUpsArgs struct{}

// Kind names the job.
func (FollowUpsArgs) Kind() string { return "survey_follow_ups" }

type followUpsWorker struct {
	river.WorkerDefaults[FollowUpsArgs]
	app *app.App
}

func (w *followUpsWorker) Work(ctx context.Context, job *river.Job[FollowUpsArgs]) error {
	_, err := w.app.RunDueFollowUps(ctx, FollowUpsPerRun, time.Second/FollowUpPace)
	return err
}

// FollowUpsEvery is how often the due follow-ups are made. FollowUpPace
// is how many a second are made at most, one at a time; a run makes
// FollowUpsPerRun, so that it ends before the next one starts: 20 a
// second in all. At that pace a trigger firing for 10,000 causes at once
// is worked off in about eight minutes beside the people at work rather
// than in their way (ADR 0033; at half the pace their p99 was no better),
// and a day's ordinary follow-ups go within seconds of being due.
const (
	FollowUpsEvery  = 2 * time.Second
	FollowUpPace    = 25
	FollowUpsPerRun = 40
)

// FollowUpArgs asks for one trigger's follow-up of its cause at its
// moment. Follow-ups are no longer scheduled as jobs of their own (see
// FollowUpsArgs); the worker stays for the jobs queued before.
type FollowUpArgs struct {
	Trigger   string    `json:"trigger" river:"unique"`
	CauseType string    `json:"cause_type" river:"unique"`
	CauseID   string    `json:"cause_id" river:"unique"`
	At        time.Time `json:"at,omitzero"` // zero in jobs enqueued before it was kept: at once
}

// Kind names the job.
func (FollowUpArgs) Kind() string { return "survey_follow_up" }

type followUpWorker struct {
	river.WorkerDefaults[FollowUpArgs]
	app *app.App
}

func (w *followUpWorker) Work(ctx context.Context, job *river.Job[FollowUpArgs]) error {
	if err := waitFor(ctx, job.Args.At); err != nil {
		return err
	}
	_, err := w.app.RunFollowUp(ctx, job.Args.Trigger, job.Args.CauseType, job.Args.CauseID)
	return err
}

// FollowUpQueue is the River queue FollowUpArgs jobs were queued in.
const FollowUpQueue = "follow_up"
