// Package fault names the kinds of failure a user action can end in, so that
// every edge (API, web, CLI) can answer each of them the same way.
package fault

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error for the edges.
type Kind int

const (
	Internal     Kind = iota
	Invalid           // the input breaks a rule: 422
	NotFound          // the thing named does not exist: 404
	Conflict          // it would duplicate something, or clash with a rule: 409
	Stale             // the caller's version is out of date: 412
	Forbidden         // the caller may not do this: 403
	Unauthorized      // the caller is not signed in: 401
	Throttled         // too many attempts; Detail is how long to wait (time.Duration): 429
)

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is a failure with a kind, a message a person can read, and optional
// field errors and details (for example duplicate candidates).
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Detail  any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// KindOf returns the kind of err, Internal when it carries none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// New makes an error of a kind.
func New(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf says that a thing does not exist.
func NotFoundf(format string, args ...any) *Error { return New(NotFound, format, args...) }

// Forbiddenf says that the caller may not do something.
func Forbiddenf(format string, args ...any) *Error { return New(Forbidden, format, args...) }

// StaleVersion is the error for an update against an out-of-date version.
func StaleVersion(what string) *Error {
	return New(Stale, "this %s was changed by someone else; reload it and try again", what)
}

// Fields collects field errors; Err returns nil when there are none.
type Fields []FieldError

// Add records a problem with one field.
func (f *Fields) Add(field, message string) { *f = append(*f, FieldError{field, message}) }

// Err turns the collected problems into an Invalid error, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: "some values are not valid", Fields: f}
}
