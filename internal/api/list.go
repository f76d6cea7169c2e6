package api

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/store"
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

// notifications is one page of the caller's notifications, of one account
// when accountID is set. The app lists them for every account, so pages
// are read until one holds the account's: a page is at most limit items,
// and can be shorter than that before the last.
func (s *server) notifications(ctx context.Context, unread bool, accountID string, p store.Page) ([]inbox.Notification, string, error) {
	if accountID == "" {
		return s.app.Notifications(ctx, actor(ctx), unread, p)
	}
	for range 20 {
		list, next, err := s.app.Notifications(ctx, actor(ctx), unread, p)
		if err != nil {
			return nil, "", err
		}
		var mine []inbox.Notification
		for _, n := range list {
			if n.AccountID == accountID {
				mine = append(mine, n)
			}
		}
		if len(mine) > 0 || next == "" {
			return mine, next, nil
		}
		p.Cursor = next
	}
	return nil, p.Cursor, nil
}
