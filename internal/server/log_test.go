package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/server"
	"tandem/internal/store/storetest"
)

// syncBuffer is a log that handlers write to from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// TestAccessLogAndHangUps: at debug level (--verbose) every request is
// logged with its route and status; a client that hangs up mid-request
// is not logged as an error.
func TestAccessLogAndHangUps(t *testing.T) {
	var logs syncBuffer
	a := app.New(storetest.SQLite(t))
	srv := httptest.NewServer(server.New(a, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), server.Options{}))
	defer srv.Close()
	ctx := context.Background()
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	if err != nil {
		t.Fatal(err)
	}
	_, tok, err := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID, Scope: "write"})
	if err != nil {
		t.Fatal(err)
	}
	sam := client{t: t, base: srv.URL, token: tok}
	sam.do("GET", "/api/v1/accounts", nil).want(t, 200)
	sam.do("GET", "/api/v1/accounts/unknown", nil).want(t, 404)
	for _, want := range []string{`route="GET /api/v1/accounts" status=200`, `route="GET /api/v1/accounts/{id}" status=404`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("the access log lacks %s:\n%s", want, logs.String())
		}
	}

	// Hang up on many reads at once, mid-request.
	for range 20 {
		c, cancel := context.WithTimeout(ctx, time.Millisecond)
		req, _ := http.NewRequestWithContext(c, "GET", srv.URL+"/api/v1/accounts?limit=500", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
		cancel()
	}
	time.Sleep(200 * time.Millisecond)
	for _, bad := range []string{"level=ERROR", "superfluous"} {
		if strings.Contains(logs.String(), bad) {
			t.Fatalf("a hang-up was logged as %q:\n%s", bad, logs.String())
		}
	}
}
