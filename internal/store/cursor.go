package store

import (
	"encoding/base64"
	"encoding/json"

	"tandem/internal/fault"
)

// A cursor is the sort key of the last item of a page, opaque to clients.
type cursor struct {
	S  string `json:"s,omitempty"`
	N  int64  `json:"n,omitempty"`
	ID string `json:"id"`
	// Back asks for the page before this item rather than after it.
	Back bool `json:"b,omitempty"`
}

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return nil, &fault.Error{Kind: fault.Invalid, Message: "the cursor is not one this server gave out",
			Fields: []fault.FieldError{{Field: "cursor", Message: "pass next_cursor from the previous page unchanged"}}}
	}
	return &c, nil
}

// Page asks for one page of a list.
type Page struct {
	Cursor string
	Limit  int
}

func (p Page) limit() int {
	if p.Limit <= 0 {
		return 50
	}
	return min(p.Limit, 500)
}
