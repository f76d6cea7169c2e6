package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"tandem/internal/access"
	"tandem/internal/api"
	"tandem/internal/app"
	"tandem/internal/store"
	"tandem/internal/text"
)

// replayHeaders are the response headers an idempotent replay repeats.
var replayHeaders = []string{"Content-Type", "ETag", "Location"}

// secretFields are the members of a response body that carry a one-time
// secret (a new token, a generated password): never stored, so never
// replayed.
var secretFields = []string{"token", "password"}

// errFailed rolls back the work of a request that failed on our side.
var errFailed = errors.New("the request failed")

// idempotency makes a POST to the API with an Idempotency-Key safe to
// retry. The request runs in one transaction with its key and the response
// stored for it, so after any crash a retry either replays what committed
// or does the work, once. The same key with another request is refused.
func idempotency(a *app.App, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			key := r.Header.Get("Idempotency-Key")
			c, signedIn := access.CallerFrom(r.Context())
			if r.Method != http.MethodPost || key == "" || !signedIn || !strings.HasPrefix(r.URL.Path, "/api/v1/") {
				next.ServeHTTP(w, r)
				return
			}
			if len(key) > text.Short || !text.Clean(key) {
				writeProblem(w, http.StatusUnprocessableEntity, fmt.Sprintf("the Idempotency-Key must be one line of at most %d characters without control characters", text.Short))
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, api.MaxBody+1))
			if err != nil {
				writeProblem(w, http.StatusBadRequest, "the request body could not be read")
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			h := sha256.New()
			fmt.Fprintf(h, "%s\n%s\n%s\n", r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"))
			h.Write(body)
			fingerprint := h.Sum(nil)

			ctx, user := r.Context(), c.Actor.User.ID
			prior, err := a.Replay(ctx, user, key)
			var rec *recorder
			if err == nil && prior == nil {
				prior, err = a.Idempotent(ctx, user, key, r.Method, r.URL.Path, fingerprint, func(txCtx context.Context) (store.Replay, error) {
					rec = newRecorder()
					next.ServeHTTP(rec, r.WithContext(txCtx))
					if rec.status >= 500 {
						return store.Replay{}, errFailed
					}
					return store.Replay{Status: rec.status, Headers: rec.kept(), Body: withoutSecrets(rec.body.Bytes())}, nil
				})
			}
			switch {
			case prior != nil && !prior.Matches(fingerprint):
				writeProblem(w, http.StatusUnprocessableEntity, "this Idempotency-Key was already used for a different request; use a new key")
			case prior != nil:
				var hs map[string]string
				json.Unmarshal([]byte(prior.Headers), &hs)
				for k, v := range hs {
					w.Header().Set(k, v)
				}
				w.Header().Set("Idempotent-Replayed", "true")
				w.WriteHeader(prior.Status)
				w.Write(prior.Body)
			case rec != nil && (err == nil || errors.Is(err, errFailed)):
				rec.send(w)
			case ctx.Err() != nil:
				// The client has gone: nothing was kept, and nobody listens.
			default:
				log.ErrorContext(ctx, "idempotent request", "err", err)
				writeProblem(w, http.StatusInternalServerError, "something went wrong on our side; nothing was saved, so retry with the same Idempotency-Key")
			}
		})
	}
}

// recorder holds a response until its transaction has committed.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// kept is the headers a replay repeats, as JSON.
func (r *recorder) kept() string {
	hs := map[string]string{}
	for _, h := range replayHeaders {
		if v := r.header.Get(h); v != "" {
			hs[h] = v
		}
	}
	b, _ := json.Marshal(hs)
	return string(b)
}

// send writes the held response.
func (r *recorder) send(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	w.Write(r.body.Bytes())
}

// withoutSecrets is a JSON object body without its one-time secrets; any
// other body is kept as it is.
func withoutSecrets(body []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	found := false
	for _, f := range secretFields {
		if _, ok := m[f]; ok {
			delete(m, f)
			found = true
		}
	}
	if !found {
		return body
	}
	b, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return b
}
