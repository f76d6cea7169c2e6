package api

import (
	"encoding/base64"
	"strconv"
	"strings"

	"tandem/internal/fault"
)

// pageOf pages a short list the app returns whole (users, tokens,
// sessions, categories, the calendar and the policy) the way every other
// list pages: ?limit= items from ?cursor=, which is opaque to clients.
func pageOf[T any](all []T, p ListParams) ([]T, string, error) {
	from := 0
	if p.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		n, perr := strconv.Atoi(strings.TrimPrefix(string(b), "offset:"))
		if err != nil || perr != nil || !strings.HasPrefix(string(b), "offset:") || n < 0 || n > len(all) {
			return nil, "", &fault.Error{Kind: fault.Invalid, Message: "the cursor is not one this server gave out",
				Fields: []fault.FieldError{{Field: "cursor", Message: "pass next_cursor from the previous page unchanged"}}}
		}
		from = n
	}
	limit := p.Limit
	if limit <= 0 {
		limit = 50
	}
	to := min(from+limit, len(all))
	next := ""
	if to < len(all) {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(to)))
	}
	return nonNil(all[from:to]), next, nil
}
