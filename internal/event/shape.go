package event

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Named are the fields that name a record in a sentence ("Contact Jane
// Doe updated", "Case #1042 opened — Printer broken"). An event keeps them
// beside what changed, so that the timeline reads without the record.
var Named = []string{"name", "number", "subject", "summary", "account_name"}

// Changed narrows the snapshots of an update to what changed: the fields
// whose values differ, and the fields that name the record. Snapshots that
// are not JSON objects are returned as they are.
func Changed(before, after json.RawMessage) (json.RawMessage, json.RawMessage) {
	var b, a map[string]json.RawMessage
	if json.Unmarshal(before, &b) != nil || json.Unmarshal(after, &a) != nil || b == nil || a == nil {
		return before, after
	}
	for k, v := range a {
		if w, ok := b[k]; ok && bytes.Equal(v, w) && !slices.Contains(Named, k) {
			delete(a, k)
			delete(b, k)
		}
	}
	return encode(b), encode(a)
}

// AsCreated is a record as it was created, from the record now (nil once
// removed) and the changes made to it since, newest first (each holding
// the earlier values of what it changed; a removal, the final state): each
// change is undone in turn. A record is at version 1 when created, and was
// last updated then.
func AsCreated(now json.RawMessage, since []Event) (json.RawMessage, error) {
	state := map[string]json.RawMessage{}
	if now != nil {
		if err := json.Unmarshal(now, &state); err != nil {
			return nil, err
		}
	}
	for _, c := range since {
		var b map[string]json.RawMessage
		if err := json.Unmarshal(c.Before, &b); err != nil {
			return nil, fmt.Errorf("event %s: %w", c.ID, err)
		}
		for k, v := range b {
			state[k] = v
		}
	}
	if len(state) == 0 {
		return nil, nil
	}
	if _, ok := state["version"]; ok {
		state["version"] = json.RawMessage("1")
	}
	if created, ok := state["created_at"]; ok {
		state["updated_at"] = created
	}
	return encode(state), nil
}

func encode(m map[string]json.RawMessage) json.RawMessage {
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return b
}

// Same says whether two snapshots hold the same record: every field equal,
// a field missing from one being equal to a zero value in the other (a
// field the record gained after the snapshot was taken).
func Same(a, b json.RawMessage) bool {
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	for _, pair := range [][2]map[string]any{{x, y}, {y, x}} {
		for k, v := range pair[0] {
			w, ok := pair[1][k]
			if !ok && !zero(v) || ok && !reflect.DeepEqual(v, w) {
				return false
			}
		}
	}
	return true
}

func zero(v any) bool {
	switch v {
	case nil, "", false, float64(0), "0001-01-01T00:00:00Z":
		return true
	}
	return false
}

// FieldChange is one field an edit changed.
type FieldChange struct {
	Field  string          `json:"field"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
}

// Diff lists the fields whose values differ between two snapshots, by
// name, but for those left out; a field one of them lacks is null there.
func Diff(before, after json.RawMessage, leaveOut ...string) []FieldChange {
	var b, a map[string]json.RawMessage
	if json.Unmarshal(before, &b) != nil || json.Unmarshal(after, &a) != nil || b == nil || a == nil {
		return nil
	}
	null := json.RawMessage("null")
	var out []FieldChange
	for k := range a {
		if _, ok := b[k]; !ok {
			b[k] = null
		}
	}
	for k, v := range b {
		w, ok := a[k]
		if !ok {
			w = null
		}
		if !bytes.Equal(v, w) && !slices.Contains(leaveOut, k) {
			out = append(out, FieldChange{Field: k, Before: v, After: w})
		}
	}
	slices.SortFunc(out, func(x, y FieldChange) int { return strings.Compare(x.Field, y.Field) })
	return out
}
