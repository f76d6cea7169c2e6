package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestEveryFieldMessageHasItsID: every message shown beside a field carries
// the id "<field>-error" that the field's aria-describedby names, so a
// screen reader reads it with the field.
func TestEveryFieldMessageHasItsID(t *testing.T) {
	tag := regexp.MustCompile(`<p class="field-error"[^>]*>`)
	id := regexp.MustCompile(`\bid="[^"]*-error"`)
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	found := 0
	for _, n := range names {
		b, err := fs.ReadFile(templateFS, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tag.FindAllString(string(b), -1) {
			found++
			if !id.MatchString(m) {
				t.Errorf("%s: a field's message without its id: %s", strings.TrimPrefix(n, "templates/"), m)
			}
		}
	}
	if found < 20 {
		t.Fatalf("only %d field messages found: the pattern no longer matches the templates", found)
	}
}
