package access

import "context"

type ctxKey struct{}

// Caller is who made a request: the actor and, for browsers, the session.
type Caller struct {
	Actor     Actor
	SessionID string
}

// WithCaller stores the caller of a request in its context.
func WithCaller(ctx context.Context, c Caller) context.Context {
	return context.WithValue(ctx, ctxKey{}, c)
}

// CallerFrom returns the caller of a request, if it is signed in.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(ctxKey{}).(Caller)
	return c, ok
}
