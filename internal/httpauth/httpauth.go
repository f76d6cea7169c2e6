// Package httpauth recognises the caller of an HTTP request: an API token
// in the Authorization header, or a browser session cookie.
package httpauth

import (
	"net/http"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
)

// CookieName is the browser session cookie.
const CookieName = "tandem_session"

// Cookie returns the session cookie for a secret; secure when served over TLS.
func Cookie(secret string, secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: secret, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(app.SessionAbsolute / time.Second)}
}

// ClearCookie removes the session cookie.
func ClearCookie(secure bool) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: -1}
}

// Middleware puts the caller into the request context when the request
// carries a valid token or session; it never refuses a request itself.
func Middleware(a *app.App) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if h := r.Header.Get("Authorization"); h != "" {
				if secret, ok := strings.CutPrefix(h, "Bearer "); ok {
					if actor, err := a.TokenActor(ctx, strings.TrimSpace(secret)); err == nil {
						r = r.WithContext(access.WithCaller(ctx, access.Caller{Actor: actor}))
					}
				}
				next.ServeHTTP(w, r)
				return
			}
			if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
				if actor, sess, err := a.SessionActor(ctx, c.Value); err == nil {
					r = r.WithContext(access.WithCaller(ctx, access.Caller{Actor: actor, SessionID: sess.ID}))
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
