// Package server assembles Tandem's HTTP handler: the web UI, the JSON API,
// health, readiness and metrics, behind one chain of middleware.
package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"tandem/internal/access"
	"tandem/internal/api"
	"tandem/internal/app"
	"tandem/internal/httpauth"
	"tandem/internal/web"
)

// Handler is Tandem's whole HTTP surface.
type Handler struct {
	http.Handler
	API huma.API
}

// Options configure the handler.
type Options struct {
	Auth httpauth.Options
}

// New builds the handler.
func New(a *app.App, log *slog.Logger, opts Options) *Handler {
	mux := http.NewServeMux()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg, log)

	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Store().Ping(ctx); err != nil {
			http.Error(w, "database not answering", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", adminsOnly(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))
	humaAPI := api.New(mux, a, log)
	notFound := web.Register(mux, a, log)

	var h http.Handler = unknownAddresses(mux, notFound, recordPattern(mux))
	h = idempotency(a, log)(h)
	h = httpauth.Middleware(a, opts.Auth)(h)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(crossOriginDenied))
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = m.middleware(h)
	h = recoverPanics(log)(h)
	return &Handler{Handler: h, API: humaAPI}
}

// adminsOnly serves h to admins only (a token of any scope or a session):
// the metrics tell which routes are used, how often and how fast. A
// Prometheus scraper sends an admin's read-scope token.
func adminsOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := access.CallerFrom(r.Context())
		switch {
		case !ok:
			w.Header().Set("WWW-Authenticate", `Bearer realm="tandem"`)
			writeProblem(w, http.StatusUnauthorized, "send an admin's API token in the Authorization header")
		case c.Actor.User.Role != access.Admin:
			writeProblem(w, http.StatusForbidden, "only admins may read the metrics")
		default:
			h.ServeHTTP(w, r)
		}
	})
}

// unknownAddresses replaces the mux's own plain-text answers: under /api/
// (no such route 404, method not allowed 405) with problem details like
// every other API error; elsewhere its 404 with the site's page for an
// address that names none (notFound).
func unknownAddresses(mux *http.ServeMux, notFound, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			next.ServeHTTP(w, r)
			return
		}
		api := strings.HasPrefix(r.URL.Path, "/api/")
		pw := &plainWriter{ResponseWriter: w, only404: !api}
		next.ServeHTTP(pw, r)
		switch {
		case !pw.replaced:
		case !api:
			notFound.ServeHTTP(w, r)
		default:
			detail := "there is no such API route; see /api/openapi.json"
			if pw.status == http.StatusMethodNotAllowed {
				detail = "this route does not take " + r.Method + "; Allow lists the methods it takes"
			}
			writeProblem(w, pw.status, detail)
		}
	})
}

// plainWriter swallows the mux's text/plain 404 (or 405, unless only404)
// so that another answer can be written in its place; anything else
// passes through.
type plainWriter struct {
	http.ResponseWriter
	only404  bool
	status   int
	replaced bool
}

func (w *plainWriter) WriteHeader(code int) {
	if code == http.StatusNotFound || (code == http.StatusMethodNotAllowed && !w.only404) {
		w.status, w.replaced = code, true
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *plainWriter) Write(b []byte) (int, error) {
	if w.replaced {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// crossOriginDenied answers a state-changing request from another origin:
// a problem under /api/, plain text on pages.
func crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	const detail = "cross-origin request refused: a state-changing request must come from Tandem's own pages or carry no browser origin"
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeProblem(w, http.StatusForbidden, detail)
		return
	}
	http.Error(w, detail, http.StatusForbidden)
}

type patternKey struct{}

// recordPattern tells the metrics which route served a request.
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(patternKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

type metrics struct {
	log      *slog.Logger
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer, log *slog.Logger) *metrics {
	m := &metrics{log: log,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "tandem_http_requests_total", Help: "HTTP requests by route and status."},
			[]string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "tandem_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

func (m *metrics) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		pattern := ""
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), patternKey{}, &pattern)))
		if pattern == "" {
			pattern = "unmatched"
		}
		took := time.Since(start)
		m.requests.WithLabelValues(pattern, strconv.Itoa(sw.status)).Inc()
		m.duration.WithLabelValues(pattern).Observe(took.Seconds())
		if m.log.Enabled(r.Context(), slog.LevelDebug) { // --verbose: the access log
			m.log.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.String("route", pattern), slog.Int("status", sw.status), slog.Duration("took", took), slog.String("remote", r.RemoteAddr))
		}
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader passes on the first status only: once an answer has begun,
// nothing may change its status (a late error, a panic after the body).
func (w *statusWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.status, w.wrote = code, true
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": detail})
}

func recoverPanics(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			w := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					log.Error("panic serving request", "path", r.URL.Path, "panic", v)
					if w.wrote {
						panic(http.ErrAbortHandler) // the answer has begun: cut it off rather than end it as if whole
					}
					writeProblem(w, http.StatusInternalServerError, "something went wrong on our side; try again, and tell an admin if it keeps happening")
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}
