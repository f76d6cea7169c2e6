package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// confirmation is the second step of an action that cannot be taken
// back with a click (deactivating a user, resetting a password, revoking
// a session or a token): the first POST, without confirm=1, shows what
// will happen and a form that posts the same fields again with confirm=1.
// It works without JavaScript.
type confirmation struct {
	Question    string // "Deactivate Val Jones?"
	Consequence string // what follows, in a sentence or two
	Action      string // where the confirmed form posts
	Fields      []struct{ Name, Value string }
	Cancel      string       // where Cancel goes
	Link        *confirmLink // something to do first, if any
}

// confirmLink is a link a confirmation offers beside its question.
type confirmLink struct{ URL, Text string }

// Button says the action on the confirming button: "Deactivate Val Jones".
func (c confirmation) Button() string { return strings.TrimSuffix(c.Question, "?") }

// confirmed reports whether a posted form is the confirmed second step.
func confirmed(f url.Values) bool { return f.Get("confirm") == "1" }

// askToConfirm shows the confirmation of c, carrying the fields of the
// form f (but confirm) into the confirmed form.
func (s *site) askToConfirm(w http.ResponseWriter, r *http.Request, nav string, f url.Values, c confirmation) {
	c.Action = r.URL.Path
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range f {
			if k != "confirm" && !yield(k) {
				return
			}
		}
	}) {
		c.Fields = append(c.Fields, struct{ Name, Value string }{k, f.Get(k)})
	}
	s.render(w, r, http.StatusOK, "confirm", view{Title: c.Question, Nav: nav, Data: c})
}
