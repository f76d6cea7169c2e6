package httpauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/httpauth"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

func TestOriginBehindTrustedProxy(t *testing.T) {
	opts := httpauth.Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	a := app.New(storetest.SQLite(t))
	var got httpauth.Origin
	h := httpauth.Middleware(a, opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = httpauth.OriginFrom(r.Context()) }))
	for _, c := range []struct {
		remote, fwd, proto string
		ip                 string
		secure             bool
	}{
		{"10.1.2.3:5555", "198.51.100.7", "https", "198.51.100.7", true},
		{"192.0.2.1:5555", "198.51.100.7", "https", "192.0.2.1", false}, // not a trusted proxy: headers ignored
		{"10.1.2.3:5555", "", "http", "10.1.2.3", false},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.fwd != "" {
			r.Header.Set("X-Forwarded-For", c.fwd)
		}
		r.Header.Set("X-Forwarded-Proto", c.proto)
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got.Client.IP != c.ip || got.Secure != c.secure {
			t.Errorf("%+v: got %+v", c, got)
		}
		if ck := httpauth.Cookie(context.Background(), "x"); ck.Secure {
			t.Errorf("a cookie outside a secure request must not be Secure")
		}
	}
}

// BenchmarkAuthenticateAndAuthorize measures what authentication (a bearer
// token looked up with its user) and the permission check add to a request.
func BenchmarkAuthenticateAndAuthorize(b *testing.B) {
	a := app.New(storetest.SQLite(b))
	ctx := context.Background()
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	_, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: u.ID})
	h := httpauth.Middleware(a, httpauth.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := access.CallerFrom(r.Context())
		if !ok || c.Actor.Require(access.LogInteraction, false) != nil {
			b.Fatal("not authorised")
		}
	}))
	r := httptest.NewRequest("POST", "/api/v1/interactions", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r) // the first use is audited; later ones within a minute are not
	for b.Loop() {
		h.ServeHTTP(w, r)
	}
}

func TestLocalTarget(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"/", true},
		{"/accounts", true},
		{"/accounts/0193a1b2-0000-7000-8000-000000000000?notice=saved#timeline", true},
		{"/cases?view=all&status=open", true},
		{"/search?q=M%C3%BCller", true},
		{"/%09/evil.example", true}, // still a path: the escape is not a tab
		{"", false},
		{"accounts", false},
		{"//evil.example", false},
		{"///evil.example", false},
		{"/\\evil.example", false},
		{"/a\\b", false},
		{"\\\\evil.example", false},
		{"/\t/evil.example", false},
		{"/\n/evil.example", false},
		{"/\r\nSet-Cookie: x=1", false},
		{"/ /evil.example", false},
		{"/\x00", false},
		{"/\x7f", false},
		{"/\u2028/evil.example", false},
		{"/\u00a0/evil.example", false},
		{"/\xff", false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"http:/evil.example", false},
		{"/" + strings.Repeat("a", httpauth.MaxRedirectTarget), false},
	} {
		got := httpauth.LocalTarget(c.in, "/fallback")
		if want := map[bool]string{true: c.in, false: "/fallback"}[c.ok]; got != want {
			t.Errorf("LocalTarget(%q) = %q, want %q", c.in, got, want)
		}
	}
}

// TestUncheckedCredentialIsNotASignOut: a cookie or token Tandem does not
// know goes on without a caller (the page then asks to sign in); one it
// could not check, because the database did not answer, is a 503, never
// "your session has ended".
func TestUncheckedCredentialIsNotASignOut(t *testing.T) {
	s, err := store.Open(context.Background(), t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(s)
	reached := 0
	h := httpauth.Middleware(a, httpauth.Options{})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		if _, ok := access.CallerFrom(r.Context()); ok {
			t.Error("an unknown credential made a caller")
		}
	}))
	send := func(cookie bool) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/accounts", nil)
		if cookie {
			req.AddCookie(&http.Cookie{Name: httpauth.CookieName, Value: access.NewSecret("tds_")})
		} else {
			req.Header.Set("Authorization", "Bearer "+access.NewSecret("tdt_"))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, cookie := range []bool{true, false} {
		if rec := send(cookie); rec.Code != http.StatusOK || reached == 0 {
			t.Fatalf("an unknown credential (cookie %v): %d", cookie, rec.Code)
		}
	}
	s.Close()
	reached = 0
	for _, cookie := range []bool{true, false} {
		if rec := send(cookie); rec.Code != http.StatusServiceUnavailable || reached != 0 || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("a credential the database could not check (cookie %v): %d %q", cookie, rec.Code, rec.Body.String())
		}
	}
}
