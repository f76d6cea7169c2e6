// Package access holds users, roles and the permission rules every edge obeys.
package access

import (
	"strings"
	"time"
)

// Role is what a user does in the company.
type Role string

const (
	Admin   Role = "admin"
	Manager Role = "manager"
	Sales   Role = "sales"
	Service Role = "service"
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, Manager, Sales, Service}

// ParseRole accepts a role name in any case.
func ParseRole(s string) (Role, bool) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, known := range Roles {
		if r == known {
			return r, true
		}
	}
	return "", false
}

// User is a person who signs in to Tandem.
type User struct {
	ID        string
	Email     string
	Name      string
	Role      Role
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// Scope limits what an API token may do, never more than its owner's role.
type Scope string

const (
	ScopeRead  Scope = "read"
	ScopeWrite Scope = "write"
	ScopeAdmin Scope = "admin"
)

// ParseScope accepts a scope name.
func ParseScope(s string) (Scope, bool) {
	switch sc := Scope(strings.ToLower(strings.TrimSpace(s))); sc {
	case ScopeRead, ScopeWrite, ScopeAdmin:
		return sc, true
	}
	return "", false
}

func (s Scope) rank() int {
	switch s {
	case ScopeRead:
		return 1
	case ScopeWrite:
		return 2
	case ScopeAdmin:
		return 3
	}
	return 0
}

// Covers reports whether this scope includes everything scope o allows:
// admin covers write, write covers read. An unknown or empty scope covers
// nothing.
func (s Scope) Covers(o Scope) bool { return s.rank() > 0 && s.rank() >= o.rank() }

// Allows reports whether a token of this scope may make a request that
// writes (write) and whether it needs admin powers (admin).
func (s Scope) Allows(write, admin bool) bool {
	switch {
	case admin:
		return s.Covers(ScopeAdmin)
	case write:
		return s.Covers(ScopeWrite)
	}
	return s.Covers(ScopeRead)
}

// Actor is who performs an action: a user, seen through a token's scope.
// A browser session acts with ScopeAdmin: the user's whole role.
type Actor struct {
	User  User
	Scope Scope
}

// System is the actor for work Tandem does on its own (demo data, sweeps).
var System = Actor{User: User{ID: "", Name: "Tandem", Role: Admin, Active: true}, Scope: ScopeAdmin}
