package access

import (
	"os"
	"strings"
	"testing"
)

func TestPasswords(t *testing.T) {
	h := HashPassword("correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	if !VerifyPassword(h, "correct horse battery") {
		t.Fatal("the right password was refused")
	}
	for _, bad := range []string{"correct horse batterY", ""} {
		if VerifyPassword(h, bad) {
			t.Fatalf("%q was accepted", bad)
		}
	}
	for _, broken := range []string{"", "$argon2id$garbage", "$bcrypt$v=1$m=1,t=1,p=1$AAAA$AAAA"} {
		if VerifyPassword(broken, "anything at all") {
			t.Fatalf("malformed hash %q matched", broken)
		}
	}
	if CheckPassword("short") == "" || CheckPassword("twelve chars") != "" {
		t.Fatal("password length rule")
	}
	if HashSecret("a") == HashSecret("b") || len(NewSecret("tdt_")) < 40 {
		t.Fatal("secrets")
	}
}

func TestPermissionTable(t *testing.T) {
	u := func(r Role, active bool) Actor {
		return Actor{User: User{ID: "u", Role: r, Active: active}, Scope: ScopeAdmin}
	}
	cases := []struct {
		actor Actor
		act   Action
		owns  bool
		want  bool
	}{
		{u(Sales, true), EditAccount, true, true},
		{u(Sales, true), EditAccount, false, false},
		{u(Service, true), EditAccount, true, false},
		{u(Manager, true), EditAccount, false, true},
		{u(Service, true), LogInteraction, false, true},
		{u(Sales, true), ReadAudit, false, false},
		{u(Manager, true), ReadAudit, false, true},
		{u(Admin, false), ReadRecords, false, false},
		{u(Manager, true), ManageUsers, false, false},
	}
	for _, c := range cases {
		if got := c.actor.Can(c.act, c.owns); got != c.want {
			t.Errorf("%s may %s (owns=%v): got %v, want %v", c.actor.User.Role, c.act, c.owns, got, c.want)
		}
	}
	for _, g := range Table {
		if len(g.Roles) == 0 && len(g.Own) == 0 {
			t.Errorf("%s is granted to nobody", g.Action)
		}
	}
	if !ScopeRead.Allows(false, false) || ScopeRead.Allows(true, false) || !ScopeWrite.Allows(true, false) || ScopeWrite.Allows(true, true) {
		t.Fatal("scopes")
	}
	if Scope("").Allows(false, false) || Scope("root").Allows(false, false) {
		t.Fatal("an empty or unknown scope allows a request")
	}
}

// TestScopeNarrowsEveryAction: for every action in the table, a token may
// do it only when its scope covers the action's scope, whatever the role.
func TestScopeNarrowsEveryAction(t *testing.T) {
	scopes := []Scope{"", ScopeRead, ScopeWrite, ScopeAdmin}
	for _, g := range Table {
		if _, ok := ParseScope(string(g.Scope)); !ok {
			t.Errorf("%s needs no valid scope (%q)", g.Action, g.Scope)
		}
		for _, r := range Roles {
			for _, sc := range scopes {
				a := Actor{User: User{ID: "u", Role: r, Active: true}, Scope: sc}
				full := Actor{User: a.User, Scope: ScopeAdmin}
				for _, owns := range []bool{false, true} {
					want := full.Can(g.Action, owns) && sc.Covers(g.Scope)
					if got := a.Can(g.Action, owns); got != want {
						t.Errorf("%s with a %q token may %s (owns=%v): got %v, want %v", r, sc, g.Action, owns, got, want)
					}
					if err := a.Require(g.Action, owns); (err == nil) != want {
						t.Errorf("Require and Can disagree for %s %q %s", r, sc, g.Action)
					}
				}
			}
		}
	}
	// The rules that close privilege escalation, spelled out.
	admin := func(sc Scope) Actor { return Actor{User: User{ID: "a", Role: Admin, Active: true}, Scope: sc} }
	if admin(ScopeWrite).Can(ManageUsers, false) || admin(ScopeWrite).Can(ManageOtherTokens, false) {
		t.Error("an admin's write token may do admin actions")
	}
	if !admin(ScopeAdmin).Can(ManageUsers, false) || admin(ScopeRead).Can(CreateOwnToken, false) || !admin(ScopeRead).Can(ReadAudit, false) {
		t.Error("scope rules")
	}
	for _, c := range []struct {
		s, o Scope
		want bool
	}{{ScopeAdmin, ScopeWrite, true}, {ScopeWrite, ScopeWrite, true}, {ScopeWrite, ScopeAdmin, false}, {ScopeRead, ScopeWrite, false}, {"", "", false}, {ScopeRead, "", true}} {
		if got := c.s.Covers(c.o); got != c.want {
			t.Errorf("%q covers %q: got %v", c.s, c.o, got)
		}
	}
}

func BenchmarkVerifyPassword(b *testing.B) {
	h := HashPassword("correct horse battery")
	for b.Loop() {
		VerifyPassword(h, "correct horse battery")
	}
}

func TestCommonPasswords(t *testing.T) {
	for _, pw := range []string{"password1234", "Password1234!", "passwordpassword", "123456789012", "aaaaaaaaaaaa", "!!qwerty12345", "pornographic", "iloveyou2024!!"} {
		if !IsCommonPassword(pw) || CheckPassword(pw) == "" {
			t.Errorf("%q should count as common", pw)
		}
	}
	for _, pw := range []string{"tandem-demo-2026", "correct horse battery", "Zq8#mvL1px0!"} {
		if IsCommonPassword(pw) {
			t.Errorf("%q is not common", pw)
		}
	}
}

func TestPermissionsDocIsCurrent(t *testing.T) {
	const path = "../../docs/permissions.md"
	want := Markdown()
	if os.Getenv("TANDEM_UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		t.Fatalf("docs/permissions.md is not the rendering of the permission table; run TANDEM_UPDATE_DOCS=1 go test ./internal/access/")
	}
}

func TestThrottleKey(t *testing.T) {
	if got := ThrottleKey("email", "  Sam@Example.com "); got != "email:sam@example.com" {
		t.Errorf("a plain email: %q", got)
	}
	if got := ThrottleKey("ip", "192.0.2.1"); got != "ip:192.0.2.1" {
		t.Errorf("an address: %q", got)
	}
	huge := strings.Repeat("a", 5<<20)
	k1, k2 := ThrottleKey("email", huge), ThrottleKey("email", huge+"b")
	if len(k1) > 80 || len(k2) > 80 || k1 == k2 || !strings.HasPrefix(k1, "email:sha256:") {
		t.Errorf("long values: %q %q", k1, k2)
	}
	if ThrottleKey("email", strings.ToUpper(huge)) != k1 {
		t.Error("a long value's key ignores case like a short one's")
	}
	if k := ThrottleKey("email", "sam\x00@example.com"); strings.ContainsRune(k, 0) || len(k) > 80 {
		t.Errorf("a value with NUL: %q", k)
	}
}
