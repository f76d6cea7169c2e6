package web

import (
	"strconv"
	"testing"
	"time"
)

// TestSurveyLimitHolds: the limit on posts to survey links cannot be
// stepped around — not by an IPv6 host walking through its /64, not by
// posting to many made-up links until the table is full and forgotten,
// and a full table never forgets an address still over its limit.
func TestSurveyLimitHolds(t *testing.T) {
	now := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	l := &postLimit{perIP: 5, perToken: 3, window: 10 * time.Minute, most: 50, seen: map[string]*window{}}
	for i := range 5 {
		if wait := l.take("2001:db8:1:2::"+strconv.Itoa(i+1), "t"+strconv.Itoa(i), now); wait > 0 {
			t.Fatalf("post %d refused", i)
		}
	}
	for _, ip := range []string{"2001:db8:1:2::99", "2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::1%eth0"} {
		if wait := l.take(ip, "another", now); wait <= 0 {
			t.Errorf("%s: the sixth post from the same /64 was let through", ip)
		}
	}
	if wait := l.take("2001:db8:1:3::1", "another", now); wait > 0 {
		t.Error("another /64 was refused")
	}

	// One IPv4 address over its limit posts to thousands of new links: the
	// table does not grow, and the address stays refused.
	for i := range 5 {
		l.take("192.0.2.7", "x"+strconv.Itoa(i), now)
	}
	for i := range 5000 {
		if wait := l.take("192.0.2.7", "guess"+strconv.Itoa(i), now); wait <= 0 {
			t.Fatalf("guess %d from an address over its limit let through", i)
		}
	}
	if len(l.seen) > l.most {
		t.Errorf("the table holds %d windows, at most %d", len(l.seen), l.most)
	}
	// Many addresses, each within its limit, fill the table with links:
	// the links are forgotten first, the address over its limit is not.
	for i := range 100 {
		l.take("198.51.100."+strconv.Itoa(i%20), "fill"+strconv.Itoa(i), now)
	}
	if wait := l.take("192.0.2.7", "late", now); wait <= 0 {
		t.Error("an address over its limit was forgotten when the table filled")
	}
	if len(l.seen) > l.most {
		t.Errorf("the table holds %d windows, at most %d", len(l.seen), l.most)
	}
	// The window ends: the address may post again.
	if wait := l.take("192.0.2.7", "later", now.Add(11*time.Minute)); wait > 0 {
		t.Error("still refused after the window")
	}
	// A link is limited whatever the addresses.
	for i := range 3 {
		l.take("203.0.113."+strconv.Itoa(i), "one-link", now)
	}
	if wait := l.take("203.0.113.200", "one-link", now); wait <= 0 {
		t.Error("a fourth post to one link from a fourth address let through")
	}
}
