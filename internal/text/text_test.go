package text

import (
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	for _, c := range []struct {
		in        string
		max       int
		multiline bool
		ok        bool
	}{
		{"Northwind", Short, false, true},
		{"Grüße, 東京", Short, false, true},
		{"line one\nline two\ttab", Long, true, true},
		{"line one\nline two", Short, false, false},
		{"nul\x00byte", Long, true, false},
		{"bad \xff utf8", Long, true, false},
		{"escape \x1b[31m red", Long, true, false},
		{"del \x7f", Short, false, false},
		{"separator \u2028", Long, true, false},
		{strings.Repeat("é", Short), Short, false, true},
		{strings.Repeat("é", Short+1), Short, false, false},
	} {
		if got := Problem(c.in, c.max, c.multiline); (got == "") != c.ok {
			t.Errorf("Problem(%q, %d, %v) = %q, want ok=%v", c.in, c.max, c.multiline, got, c.ok)
		}
	}
	if Clean("a\x00") || !Clean("0193a1b2-0000-7000-8000-000000000000") {
		t.Error("Clean misjudges")
	}
}
