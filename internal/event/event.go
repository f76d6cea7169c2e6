// Package event is the spine of Tandem: every change is an event on the
// customer's timeline, which is at once the audit trail.
package event

import (
	"encoding/json"
	"time"

	"tandem/internal/customer"
)

// Event records one change: who, when, which account, what, before and after.
type Event struct {
	ID          string
	At          time.Time
	ActorID     string
	AccountID   string
	SubjectType string
	SubjectID   string
	Kind        string // e.g. "account.created"
	Team        string // "sales", "service" or "" when the change belongs to neither
	Before      json.RawMessage
	After       json.RawMessage
}

// Snapshot encodes a record for Before/After; nil stays nil.
func Snapshot(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return b
}

// Item is one line of an account's timeline: an interaction or an event.
type Item struct {
	Type        string // "interaction" or "event"
	ID          string
	At          time.Time
	Kind        string
	Team        string
	ActorID     string
	Interaction *customer.Interaction // when Type is "interaction"
	Event       *Event                // when Type is "event"
}

// Filter narrows a timeline.
type Filter struct {
	Team string
	Kind string
}
