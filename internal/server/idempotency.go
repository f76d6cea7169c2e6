package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/store"
)

// replayHeaders are the response headers an idempotent replay repeats.
var replayHeaders = []string{"Content-Type", "ETag", "Location"}

// idempotency makes a POST with an Idempotency-Key safe to retry: the
// first response is stored and replayed; nothing is created twice.
func idempotency(a *app.App, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := strings.TrimSpace(r.Header.Get("Idempotency-Key"))
			c, signedIn := access.CallerFrom(r.Context())
			if r.Method != http.MethodPost || key == "" || !signedIn || !strings.HasPrefix(r.URL.Path, "/api/v1/") {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > 200 {
				writeProblem(w, http.StatusUnprocessableEntity, "the Idempotency-Key is longer than 200 characters")
				return
			}
			ctx, user := r.Context(), c.Actor.User.ID
			replay, err := a.ClaimIdempotencyKey(ctx, user, key, r.Method, r.URL.Path)
			switch {
			case err != nil:
				log.Error("idempotency claim", "err", err)
				writeProblem(w, http.StatusInternalServerError, "something went wrong on our side; try again")
				return
			case replay != nil && (replay.Method != r.Method || replay.Path != r.URL.Path):
				writeProblem(w, http.StatusUnprocessableEntity, "this Idempotency-Key was already used for a different request; use a new key")
				return
			case replay != nil && replay.Status == 0:
				writeProblem(w, http.StatusConflict, "a request with this Idempotency-Key is still being processed; retry in a moment")
				return
			case replay != nil:
				var hs map[string]string
				json.Unmarshal([]byte(replay.Headers), &hs)
				for k, v := range hs {
					w.Header().Set(k, v)
				}
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(replay.Status)
				w.Write(replay.Body)
				return
			}
			rec := &recorder{statusWriter: statusWriter{ResponseWriter: w, status: http.StatusOK}}
			next.ServeHTTP(rec, r)
			bg := context.WithoutCancel(ctx)
			if rec.status >= 500 {
				if err := a.ReleaseIdempotencyKey(bg, user, key); err != nil {
					log.Error("idempotency release", "err", err)
				}
				return
			}
			hs := map[string]string{}
			for _, h := range replayHeaders {
				if v := w.Header().Get(h); v != "" {
					hs[h] = v
				}
			}
			hb, _ := json.Marshal(hs)
			if err := a.CompleteIdempotencyKey(bg, user, key, store.Replay{Method: r.Method, Path: r.URL.Path, Status: rec.status, Headers: string(hb), Body: rec.body.Bytes()}); err != nil {
				log.Error("idempotency complete", "err", err)
			}
		})
	}
}

type recorder struct {
	statusWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.statusWriter.Write(b)
}
