package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"tandem/internal/app"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// logTo is a text logger into b at level, without times.
func logTo(b *bytes.Buffer, level slog.Level) slog.Handler {
	return slog.NewTextHandler(b, &slog.HandlerOptions{Level: level, ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})
}

// emit logs through h what River logs on a start and a quick stop, a
// warning and real errors.
func emit(h slog.Handler) {
	ctx := context.Background()
	log := slog.New(h)
	log.Info("Driver does not support listener; entering poll only mode")
	log.InfoContext(ctx, "River client started", slog.String("client_id", "vm_1"))
	log.DebugContext(ctx, "producer: Fetching jobs", slog.Int("limit", 10))
	log.InfoContext(ctx, "producer: Producer job counts", slog.Int("num_completed_jobs", 0))
	log.ErrorContext(ctx, "maintenance.PeriodicJobEnqueuer: Error starting transaction", "error", context.Canceled.Error())
	log.ErrorContext(ctx, "producer: Error fetching jobs", slog.String("err", "error fetching: "+context.Canceled.Error()))
	log.With("service", "jobexecutor").ErrorContext(ctx, "jobexecutor.JobExecutor: Job errored", slog.Any("error", fmt.Errorf("sla_check: %w", context.Canceled)))
	log.WithGroup("river").WarnContext(ctx, "jobexecutor.JobExecutor: Job appears to be stuck", slog.Int64("job_id", 7))
	log.ErrorContext(ctx, "producer: Error fetching jobs", slog.String("err", "database is locked"))
	log.ErrorContext(ctx, "jobexecutor.JobExecutor: Job errored", slog.Any("error", errors.New("smtp: 554 rejected")))
	log.ErrorContext(ctx, "producer: Error fetching jobs", slog.String("err", context.DeadlineExceeded.Error()))
	log.InfoContext(ctx, "River client stopped", slog.String("client_id", "vm_1"))
}

func TestLibraryLogKeepsWarningsAndRealErrorsOnly(t *testing.T) {
	var b bytes.Buffer
	emit(newLibraryLog(logTo(&b, slog.LevelInfo), false))
	got := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		`level=WARN msg="jobexecutor.JobExecutor: Job appears to be stuck" river.job_id=7`,
		`level=ERROR msg="producer: Error fetching jobs" err="database is locked"`,
		`level=ERROR msg="jobexecutor.JobExecutor: Job errored" error="smtp: 554 rejected"`,
		`level=ERROR msg="producer: Error fetching jobs" err="context deadline exceeded"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLibraryLogVerboseSaysMore(t *testing.T) {
	var b bytes.Buffer
	emit(newLibraryLog(logTo(&b, slog.LevelDebug), true))
	out := b.String()
	for _, s := range []string{
		`level=INFO msg="Driver does not support listener; entering poll only mode"`,
		`level=INFO msg="River client started"`,
		`level=DEBUG msg="producer: Fetching jobs"`,
		`level=INFO msg="producer: Producer job counts"`,
		`level=DEBUG msg="maintenance.PeriodicJobEnqueuer: Error starting transaction" error="context canceled"`,
		`level=DEBUG msg="jobexecutor.JobExecutor: Job errored" service=jobexecutor error="sla_check: context canceled"`,
		`level=ERROR msg="producer: Error fetching jobs" err="database is locked"`,
		`level=INFO msg="River client stopped"`,
	} {
		if !strings.Contains(out, s) {
			t.Errorf("missing %s in\n%s", s, out)
		}
	}
	if strings.Contains(out, `level=ERROR msg="maintenance.PeriodicJobEnqueuer`) || strings.Contains(out, "level=ERROR msg=\"jobexecutor.JobExecutor: Job errored\" service") {
		t.Errorf("a cancellation is logged as an error:\n%s", out)
	}
	// A next handler at info level takes no debug lines, demoted ones included.
	b.Reset()
	emit(newLibraryLog(logTo(&b, slog.LevelInfo), true))
	if strings.Contains(b.String(), "DEBUG") || !strings.Contains(b.String(), "River client started") {
		t.Errorf("verbose at info level:\n%s", b.String())
	}
}

func TestLibraryLogEnabled(t *testing.T) {
	ctx := context.Background()
	var b bytes.Buffer
	quietH := newLibraryLog(logTo(&b, slog.LevelDebug), false)
	if quietH.Enabled(ctx, slog.LevelInfo) || !quietH.Enabled(ctx, slog.LevelWarn) {
		t.Error("by default only warnings and errors are enabled")
	}
	loud := newLibraryLog(logTo(&b, slog.LevelDebug), true)
	if !loud.Enabled(ctx, slog.LevelDebug) {
		t.Error("verbose enables what the next handler enables")
	}
	if newLibraryLog(logTo(&b, slog.LevelError), false).Enabled(ctx, slog.LevelWarn) {
		t.Error("the next handler's level still counts")
	}
}

// TestQuickStartAndStopSayNothing starts a queue that works jobs and stops
// it at once, as `tandem serve` does on Ctrl-C right after start: nothing
// of River's reaches the log at info level.
func TestQuickStartAndStopSayNothing(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		for _, wait := range []time.Duration{0, 50 * time.Millisecond, 700 * time.Millisecond} {
			var b bytes.Buffer
			ctx, cancel := context.WithCancel(context.Background())
			q, err := New(ctx, s, app.New(s), Config{Workers: 2, Log: slog.New(logTo(&b, slog.LevelInfo))})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			time.Sleep(wait)
			cancel()
			stopCtx, done := context.WithTimeout(context.Background(), 10*time.Second)
			if err := q.Stop(stopCtx); err != nil {
				t.Fatal(err)
			}
			done()
			if b.Len() > 0 {
				t.Errorf("after %s: %s", wait, b.String())
			}
		}
	})
}
