package access

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"tandem/internal/text"
)

// MaxEmailLength is the longest email address Tandem takes (RFC 5321's
// path limit less its brackets), for users and for signing in alike.
const MaxEmailLength = 254

// ThrottleKey is the key under which failures are counted for a kind of
// key ("email", "ip") and a value: the value trimmed and lower-cased, or,
// when that is longer than MaxEmailLength or not clean text, its SHA-256.
// Whatever a request sends, a key is at most 71 bytes plus the kind.
func ThrottleKey(kind, value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	if len(v) > MaxEmailLength || !text.Clean(v) {
		sum := sha256.Sum256([]byte(v))
		v = "sha256:" + hex.EncodeToString(sum[:])
	}
	return kind + ":" + v
}

// Sign-in throttling: after a few failures each further attempt must wait,
// the wait doubling up to a ceiling; after LockAfter failures in a row an
// account is locked for LockFor, even for the right password.
const (
	FreeFailures    = 5
	IPFreeFailures  = 20
	MaxBackoff      = 5 * time.Minute
	LockAfter       = 50
	LockFor         = time.Hour
	FailuresForgive = time.Hour // failures older than this are forgotten
)

// Throttle is the record of failed sign-ins for one key.
type Throttle struct {
	Key           string
	Failures      int
	LastFailureAt time.Time
	NextAllowedAt time.Time
	LockedUntil   time.Time
}

// Wait says how long an attempt must wait now; locked means the account is
// locked rather than merely slowed down.
func (t Throttle) Wait(now time.Time) (wait time.Duration, locked bool) {
	if now.Before(t.LockedUntil) {
		return t.LockedUntil.Sub(now), true
	}
	if now.Before(t.NextAllowedAt) {
		return t.NextAllowedAt.Sub(now), false
	}
	return 0, false
}

// Fail records a failure; free is how many failures pass without a wait,
// and lock whether this key locks (accounts do, addresses only slow down).
// It reports whether this failure locked the key.
func (t *Throttle) Fail(now time.Time, free int, lock bool) bool {
	if now.Sub(t.LastFailureAt) > FailuresForgive && !now.Before(t.LockedUntil) {
		t.Failures = 0
	}
	t.Failures++
	t.LastFailureAt = now
	if over := t.Failures - free; over > 0 {
		backoff := MaxBackoff
		if over < 20 {
			backoff = min(time.Second<<(over-1), MaxBackoff)
		}
		t.NextAllowedAt = now.Add(backoff)
	}
	if lock && t.Failures >= LockAfter && !now.Before(t.LockedUntil) {
		t.LockedUntil = now.Add(LockFor)
		t.Failures = 0
		return true
	}
	return false
}
