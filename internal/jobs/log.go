package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strings"
)

// libraryLog is the handler River logs through. River reports its own
// doings at info level ("Driver does not support listener; entering poll
// only mode", "River client started", "producer: Producer job counts") and
// logs an ERROR when a stop cancels what it was doing ("Error starting
// transaction", error="context canceled"). None of that concerns a person
// running Tandem, so by default libraryLog passes only River's warnings and
// real errors. Verbose passes everything the next handler takes, with the
// cancellations of a stop demoted to debug.
type libraryLog struct {
	next    slog.Handler
	verbose bool
}

// newLibraryLog wraps next; a nil next is slog's default handler.
func newLibraryLog(next slog.Handler, verbose bool) *libraryLog {
	if next == nil {
		next = slog.Default().Handler()
	}
	return &libraryLog{next: next, verbose: verbose}
}

func (h *libraryLog) Enabled(ctx context.Context, level slog.Level) bool {
	return (h.verbose || level >= slog.LevelWarn) && h.next.Enabled(ctx, level)
}

func (h *libraryLog) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError && cancelled(r) {
		if !h.verbose {
			return nil
		}
		r = demote(r, slog.LevelDebug)
	}
	if !h.verbose && r.Level < slog.LevelWarn {
		return nil
	}
	if !h.next.Enabled(ctx, r.Level) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *libraryLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &libraryLog{next: h.next.WithAttrs(attrs), verbose: h.verbose}
}

func (h *libraryLog) WithGroup(name string) slog.Handler {
	return &libraryLog{next: h.next.WithGroup(name), verbose: h.verbose}
}

// cancelled says whether a record reports a context cancellation: River
// names the error "error" or "err", as an error or as its text.
func cancelled(r slog.Record) bool {
	found := false
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "error" && a.Key != "err" {
			return true
		}
		v := a.Value.Resolve()
		switch {
		case v.Kind() == slog.KindString:
			found = strings.Contains(v.String(), context.Canceled.Error())
		case v.Kind() == slog.KindAny:
			if err, ok := v.Any().(error); ok {
				found = errors.Is(err, context.Canceled)
			}
		}
		return !found
	})
	return found
}

// demote is r at another level.
func demote(r slog.Record, level slog.Level) slog.Record {
	out := slog.NewRecord(r.Time, level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(a)
		return true
	})
	return out
}
