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
	b.WriteString("the interactions they logged; for a move, both accounts). Everyone signed in reads every record:\n")
	b.WriteString("one shared customer record. A change of the account a record belongs to must be allowed on\n")
	b.WriteString("the old account and on the new one; interactions and cases never change account.\n")
	b.WriteString("An API token acts with its owner's role narrowed by its scope: it may do an action only\n")
	b.WriteString("when the role may and the scope covers the *token scope* column (`admin` covers `write`,\n")
	b.WriteString("`write` covers `read`; only admins hold `admin` tokens). A token never creates a token of a\n")
	b.WriteString("wider scope than its own. Browser sessions carry the whole role, and the HTML pages accept\n")
	b.WriteString("only browser sessions, never tokens (`adr/0011-token-scopes-and-pages.md`).\n\n")
	b.WriteString("| may … |")
	for _, r := range Roles {
		fmt.Fprintf(&b, " %s |", r)
	}
	b.WriteString(" token scope |\n|---|")
	for range Roles {
		b.WriteString("---|")
	}
	b.WriteString("---|\n")
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
		fmt.Fprintf(&b, " %s |\n", g.Scope)
	}
	return b.String()
}
