package access

import (
	"fmt"
	"strings"
)

// Markdown renders the permission table for docs/permissions.md.
func Markdown() string {
	var b strings.Builder
	b.WriteString("# Permissions\n\n")
	b.WriteString("Generated from `internal/access/permissions.go` (`TANDEM_UPDATE_DOCS=1 go test ./internal/access/`);\n")
	b.WriteString("a test fails when the two differ. *own*: only on what they own (the accounts they own,\n")
	b.WriteString("the interactions they logged). Everyone signed in reads every record: one shared customer record.\n")
	b.WriteString("API tokens never exceed their owner's role: `read` tokens may only read, `write` tokens may\n")
	b.WriteString("do what the role may except admin-only routes, `admin` tokens are for admins.\n\n")
	b.WriteString("| may … |")
	for _, r := range Roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString("\n|---|")
	for range Roles {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, g := range Table {
		fmt.Fprintf(&b, "| %s |", g.Action)
		for _, r := range Roles {
			switch {
			case has(g.Roles, r):
				b.WriteString(" yes |")
			case has(g.Own, r):
				b.WriteString(" own |")
			default:
				b.WriteString(" — |")
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}
