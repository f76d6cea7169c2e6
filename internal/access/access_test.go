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
