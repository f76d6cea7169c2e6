// Package text is the one rule every edge applies to text a person or a
// client sends: valid UTF-8, no NUL, no control characters (newline and
// tab only in multi-line fields), and a maximum length in characters.
package text

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Limits shared by the edges, in characters.
const (
	Short = 200   // names, labels, emails, keys, one-line fields
	Long  = 10000 // notes, descriptions, comments: multi-line fields
	ID    = 100   // an id in a path
)

// Problem says what is wrong with s, or "" when it is acceptable text of at
// most max characters; multiline allows newlines and tabs.
func Problem(s string, max int, multiline bool) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8 text"
	}
	n := 0
	for _, r := range s {
		n++
		switch {
		case r == 0:
			return "must not contain a NUL character"
		case (r == '\n' || r == '\r' || r == '\t') && multiline:
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			if multiline {
				return "must not contain control characters other than newline and tab"
			}
			return "must be one line without control characters"
		}
	}
	if n > max {
		return fmt.Sprintf("must be at most %d characters (it has %d)", max, n)
	}
	return ""
}

// Clean reports whether s is valid UTF-8 without NUL or control
// characters, whatever its length: the test for ids, cursors and headers.
func Clean(s string) bool { return Problem(s, len(s), false) == "" }
