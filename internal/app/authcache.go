package app

import (
	"strings"
	"sync"
	"time"

	"tandem/internal/access"
	"tandem/internal/store"
)

// authCacheTTL bounds how long a credential is trusted without reading the
// database. Changes made through this process clear the cache at once;
// the bound covers changes made by another process on the same database.
const authCacheTTL = 2 * time.Second

// authCache remembers recent credential lookups, so that a busy client
// costs no database read per request.
type authCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[string]authEntry
}

type authEntry struct {
	gen     uint64
	at      time.Time
	user    access.User
	token   store.Token
	session store.Session
}

func newAuthCache() *authCache { return &authCache{m: map[string]authEntry{}} }

// get returns the entry for a credential's hash if it is current.
func (c *authCache) get(hash string, now time.Time) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[hash]
	if !ok || e.gen != c.gen || now.Sub(e.at) >= authCacheTTL || now.Before(e.at) {
		return authEntry{}, false
	}
	return e, true
}

// generation is read before a lookup, so that an entry read before a
// change commits is never taken for one read after it.
func (c *authCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

func (c *authCache) put(hash string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e.gen != c.gen {
		return
	}
	if len(c.m) >= 10000 {
		clear(c.m)
	}
	c.m[hash] = e
}

// clear forgets every entry; it runs after any change to users, tokens or
// sessions commits.
func (c *authCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
}

// changesAccess reports whether an event kind records a change that can
// end or alter someone's access.
func changesAccess(kind string) bool {
	if kind == "token.used" || kind == "session.signed_in" || kind == "session.sign_in_failed" {
		return false
	}
	return strings.HasPrefix(kind, "user.") || strings.HasPrefix(kind, "token.") || strings.HasPrefix(kind, "session.")
}
