package event

import (
	"encoding/csv"
	"io"
	"time"
)

// CSVHeader is the header row of an event export.
var CSVHeader = []string{"id", "at", "actor_id", "account_id", "kind", "subject_type", "subject_id", "team", "before", "after"}

// CSVWriter writes events as CSV rows.
type CSVWriter struct{ w *csv.Writer }

// NewCSVWriter writes the header and returns a writer for the rows.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	cw := csv.NewWriter(w)
	return &CSVWriter{cw}, cw.Write(CSVHeader)
}

// Write writes one event.
func (c *CSVWriter) Write(e Event) error {
	return c.w.Write([]string{e.ID, e.At.UTC().Format(time.RFC3339Nano), e.ActorID, e.AccountID, e.Kind, e.SubjectType, e.SubjectID, e.Team,
		string(e.Before), string(e.After)})
}

// Flush writes out what is buffered.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	return c.w.Error()
}
