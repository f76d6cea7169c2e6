package access

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters (RFC 9106 second recommendation, lighter memory): see
// docs/adr/0004-passwords-and-tokens.md for the measured verification time.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
)

// MinPasswordLength is the shortest password Tandem accepts.
const MinPasswordLength = 12

// CheckPassword says what is wrong with a new password, or "".
func CheckPassword(pw string) string {
	if len([]rune(pw)) < MinPasswordLength {
		return fmt.Sprintf("use at least %d characters", MinPasswordLength)
	}
	if len(pw) > 1000 {
		return "use at most 1,000 characters"
	}
	if IsCommonPassword(pw) {
		return "this password is one of the most common ones; choose another"
	}
	return ""
}

// HashPassword returns an encoded argon2id hash.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// VerifyPassword checks pw against an encoded hash; an empty or malformed
// hash never matches, but costs the same time as a real check.
func VerifyPassword(encoded, pw string) bool {
	var m, t uint32
	var p uint8
	parts := strings.Split(encoded, "$")
	ok := len(parts) == 6 && parts[1] == "argon2id"
	var salt, want []byte
	if ok {
		_, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p)
		salt, _ = base64.RawStdEncoding.DecodeString(parts[4])
		want, _ = base64.RawStdEncoding.DecodeString(parts[5])
		ok = err == nil && len(salt) > 0 && len(want) > 0
	}
	if !ok {
		m, t, p, salt, want = argonMemory, argonTime, argonThreads, make([]byte, 16), make([]byte, argonKeyLen)
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1 && ok
}

// NewSecret returns a random secret with a prefix, for tokens and sessions.
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret returns the hash under which a token or session is stored.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// GeneratePassword returns a random password for a new user.
func GeneratePassword() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
