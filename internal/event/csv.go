package event

import (
	"encoding/csv"
	"io"
	"time"
)

// CSVHeader is the header row of an event export: the event's fields, and
// last the sentence the audit page shows for it.
var CSVHeader = []string{"id", "at", "actor_id", "account_id", "kind", "subject_type", "subject_id", "team", "before", "after", "sentence"}

// CSVWriter writes events as CSV rows.
type CSVWriter struct {
	w     *csv.Writer
	users map[string]string
}

// NewCSVWriter writes the header and returns a writer for the rows; users
// names user ids in the sentences.
func NewCSVWriter(w io.Writer, users map[string]string) (*CSVWriter, error) {
	cw := csv.NewWriter(w)
	return &CSVWriter{cw, users}, cw.Write(CSVHeader)
}

// Write writes one event.
func (c *CSVWriter) Write(e Event) error {
	return c.w.Write([]string{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.AccountID, e.Kind, e.SubjectType, e.SubjectID, e.Team,
		string(e.Before), string(e.After), Sentence(&e, c.users)})
}

// Flush writes out what is buffered.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
