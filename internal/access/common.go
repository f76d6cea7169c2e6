package access

import (
	"strings"
	"sync"
	"unicode"

	"github.com/nbutton23/zxcvbn-go/frequency"
)

var (
	commonOnce sync.Once
	common     map[string]bool
)

// IsCommonPassword reports whether pw is one of the common passwords shipped
// with the binary (zxcvbn's list of 7,141), in any case, also with digits or
// symbols added before or after it, or repeated ("password1234!",
// "passwordpassword"); and whether it is one character repeated or a run
// of consecutive digits.
func IsCommonPassword(pw string) bool {
	commonOnce.Do(func() {
		list := frequency.Lists["Passwords"].List
		common = make(map[string]bool, len(list))
		for _, p := range list {
			common[strings.ToLower(p)] = true
		}
	})
	lower := strings.ToLower(pw)
	if common[lower] || repeatsOneRune(lower) || isDigitRun(lower) {
		return true
	}
	core := strings.TrimFunc(lower, func(r rune) bool { return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || r == ' ' })
	if core == "" {
		return true
	}
	return common[core] || common[unit(core)]
}

// unit returns the shortest string that s repeats ("abcabc" → "abc").
func unit(s string) string {
	for n := 1; n <= len(s)/2; n++ {
		if len(s)%n == 0 && strings.Repeat(s[:n], len(s)/n) == s {
			return s[:n]
		}
	}
	return s
}

func repeatsOneRune(s string) bool { return len(s) > 0 && strings.Count(s, s[:1]) == len(s) }

func isDigitRun(s string) bool {
	for i := 1; i < len(s); i++ {
		d := int(s[i]) - int(s[i-1])
		if !unicode.IsDigit(rune(s[i])) || !unicode.IsDigit(rune(s[i-1])) || (d != 1 && d != -9 && d != -1 && d != 9) {
			return false
		}
	}
	return len(s) > 0
}
