// Package httpauth recognises the caller of an HTTP request: an API token
// in the Authorization header, or a browser session cookie; and where the
// request comes from, through trusted proxies.
package httpauth

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"
	"unicode"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/fault"
	"tandem/internal/text"
)

// CookieName is the browser session cookie.
const CookieName = "tandem_session"

// Cookie returns the session cookie for a secret.
func Cookie(ctx context.Context, secret string) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: secret, Path: "/", HttpOnly: true, Secure: OriginFrom(ctx).Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(app.SessionAbsolute / time.Second)}
}

// ClearCookie removes the session cookie.
func ClearCookie(ctx context.Context) *http.Cookie {
	return &http.Cookie{Name: CookieName, Value: "", Path: "/", HttpOnly: true, Secure: OriginFrom(ctx).Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1}
}

// Origin is where a request comes from.
type Origin struct {
	Client app.Client
	Secure bool // served over TLS, directly or at a trusted proxy
}

type originKey struct{}

// OriginFrom returns where the request of ctx comes from.
func OriginFrom(ctx context.Context) Origin {
	o, _ := ctx.Value(originKey{}).(Origin)
	return o
}

// Options configure the middleware.
type Options struct {
	// TrustedProxies may set X-Forwarded-For and X-Forwarded-Proto.
	TrustedProxies []netip.Prefix
}

func (o Options) origin(r *http.Request) Origin {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	org := Origin{Client: app.Client{IP: host, UserAgent: r.UserAgent()}, Secure: r.TLS != nil}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return org
	}
	for _, p := range o.TrustedProxies {
		if p.Contains(addr.Unmap()) {
			if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
				parts := strings.Split(fwd, ",")
				org.Client.IP = strings.TrimSpace(parts[len(parts)-1])
			}
			if strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
				org.Secure = true
			}
			break
		}
	}
	return org
}

// Middleware puts the origin and, when the request carries a valid token
// or session, the caller into the request context; it never refuses a
// request itself.
func Middleware(a *app.App, opts Options) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := context.WithValue(r.Context(), originKey{}, opts.origin(r))
			if h := r.Header.Get("Authorization"); h != "" {
				if secret, ok := strings.CutPrefix(h, "Bearer "); ok {
					actor, err := a.TokenActor(ctx, strings.TrimSpace(secret))
					if err == nil {
						ctx = access.WithCaller(ctx, access.Caller{Actor: actor})
					} else if unchecked(w, r, err) {
						return
					}
				}
				next.ServeHTTP(w, r.WithContext(ctx))
				return
			}
			if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
				actor, sess, err := a.SessionActor(ctx, c.Value)
				if err == nil {
					ctx = access.WithCaller(ctx, access.Caller{Actor: actor, SessionID: sess.ID})
				} else if unchecked(w, r, err) {
					return
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}

// unchecked answers a request whose credential could not be checked (the
// database did not answer) with 503, and reports whether it did: such a
// caller is not signed out, and is not told that their session has
// ended. A credential that is unknown, expired or revoked is not an
// error here; the request goes on without a caller.
func unchecked(w http.ResponseWriter, r *http.Request, err error) bool {
	if fault.KindOf(err) == fault.Unauthorized || r.Context().Err() != nil {
		return false
	}
	slog.Default().Error("checking a credential failed", "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", "1")
	http.Error(w, "Tandem could not check your sign-in just now. Try again in a moment.", http.StatusServiceUnavailable)
	return true
}

// MaxRedirectTarget is the longest redirect target a request may name.
const MaxRedirectTarget = 2000

// LocalTarget returns target when it is a path on this site, fit to be the
// Location of a redirect, and fallback otherwise. It is the one check for
// every redirect to a target a request names (the sign-in's next=, a
// form's to=): the target must start with one slash and not two, and hold
// no backslash, no whitespace or control character, no scheme, host or user
// (browsers read "/\evil.example" and "/\t/evil.example" as another host).
func LocalTarget(target, fallback string) string {
	if len(target) > MaxRedirectTarget || !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") ||
		strings.ContainsRune(target, '\\') || !text.Clean(target) || strings.IndexFunc(target, unicode.IsSpace) >= 0 {
		return fallback
	}
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return fallback
	}
	return target
}
