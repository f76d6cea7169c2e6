package customer

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"
)

// NormalizeEmail lowercases an address and drops what does not identify the
// mailbox (a +tag; dots in Gmail addresses). It returns "" when s is not an
// address.
func NormalizeEmail(s string) string {
	addr, err := mail.ParseAddress(strings.TrimSpace(s))
	if err != nil || addr.Name != "" {
		return ""
	}
	local, domain, ok := strings.Cut(strings.ToLower(addr.Address), "@")
	if !ok || local == "" || !validDomain(domain) {
		return ""
	}
	if i := strings.IndexByte(local, '+'); i > 0 {
		local = local[:i]
	}
	if domain == "googlemail.com" {
		domain = "gmail.com"
	}
	if domain == "gmail.com" {
		local = strings.ReplaceAll(local, ".", "")
	}
	return local + "@" + domain
}

// EmailDomain returns the company domain of an address, or "" for free mail.
func EmailDomain(email string) string {
	_, d, _ := strings.Cut(NormalizeEmail(email), "@")
	if freeMail[d] {
		return ""
	}
	return d
}

var freeMail = map[string]bool{
	"gmail.com": true, "yahoo.com": true, "hotmail.com": true, "outlook.com": true, "live.com": true,
	"icloud.com": true, "me.com": true, "aol.com": true, "gmx.de": true, "gmx.net": true, "web.de": true,
	"proton.me": true, "protonmail.com": true, "mail.com": true, "yandex.ru": true, "qq.com": true,
}

var domainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

func validDomain(d string) bool { return domainRE.MatchString(d) }

// NormalizeDomain turns "https://www.Example.com/about" into "example.com".
func NormalizeDomain(s string) string {
	d := strings.ToLower(strings.TrimSpace(s))
	d = strings.TrimPrefix(strings.TrimPrefix(d, "http://"), "https://")
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	return strings.TrimSuffix(strings.TrimPrefix(d, "www."), ".")
}

// E164 formats a phone number as E.164, reading numbers without a country
// code as numbers of region; it returns "" when s is no valid number.
func E164(s, region string) string {
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.E164)
}

var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "llc": true, "ltd": true, "limited": true, "corp": true,
	"corporation": true, "co": true, "company": true, "gmbh": true, "ag": true, "sa": true, "sarl": true,
	"srl": true, "spa": true, "bv": true, "nv": true, "plc": true, "oy": true, "ab": true, "as": true,
	"kg": true, "pty": true, "the": true, "and": true, "&": true,
}

// NameKey reduces a name to the words that identify it: lowercase, accents
// and punctuation removed, legal forms ("Inc", "GmbH") dropped.
func NameKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	words := strings.Fields(b.String())
	kept := words[:0]
	for _, w := range words {
		if !legalForms[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = words
	}
	return strings.Join(kept, " ")
}

// Similarity of two name keys in [0,1]: the Dice coefficient of their
// character bigrams, which forgives typos, reordering and missing words.
func Similarity(a, b string) float64 {
	if a == b {
		return 1
	}
	ba, bb := bigrams(a), bigrams(b)
	if len(ba) == 0 || len(bb) == 0 {
		return 0
	}
	common := 0
	for g, n := range ba {
		common += min(n, bb[g])
	}
	total := 0
	for _, n := range ba {
		total += n
	}
	for _, n := range bb {
		total += n
	}
	return 2 * float64(common) / float64(total)
}

func bigrams(s string) map[string]int {
	m := map[string]int{}
	for _, w := range strings.Fields(s) {
		r := []rune(" " + w + " ")
		for i := 0; i+1 < len(r); i++ {
			m[string(r[i:i+2])]++
		}
	}
	return m
}

// SimilarNames is the similarity from which two names count as the same.
const SimilarNames = 0.8

// Candidate is an existing record that may be the same customer, and why.
type Candidate struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Reasons []string `json:"reasons"`
}

// AccountKeys are what an account is recognised by.
type AccountKeys struct {
	NameKey   string
	Domain    string
	PhoneE164 string
}

// KeysOf returns the identifying keys of an account.
func KeysOf(a Account, region string) AccountKeys {
	k := AccountKeys{NameKey: NameKey(a.Name), Domain: a.Domain}
	if a.Phone != "" {
		k.PhoneE164 = E164(a.Phone, region)
	}
	return k
}

// MatchAccount says why existing may be the same customer as a new account
// with keys k; no reasons means it is not.
func MatchAccount(k AccountKeys, existing Account, ek AccountKeys) []string {
	var why []string
	if k.Domain != "" && k.Domain == ek.Domain {
		why = append(why, "same domain "+k.Domain)
	}
	if k.PhoneE164 != "" && k.PhoneE164 == ek.PhoneE164 {
		why = append(why, "same phone "+k.PhoneE164)
	}
	if k.NameKey != "" && k.NameKey == ek.NameKey {
		why = append(why, "same name")
	} else if Similarity(k.NameKey, ek.NameKey) >= SimilarNames {
		why = append(why, "similar name \""+existing.Name+"\"")
	}
	return why
}

// ContactKeys are what a contact is recognised by.
type ContactKeys struct {
	AccountID string
	NameKey   string
	Email     string
	PhoneE164 string
}

// ContactKeysOf returns the identifying keys of a contact.
func ContactKeysOf(c Contact, region string) ContactKeys {
	k := ContactKeys{AccountID: c.AccountID, NameKey: NameKey(c.Name), Email: NormalizeEmail(c.Email)}
	if c.Phone != "" {
		k.PhoneE164 = E164(c.Phone, region)
	}
	return k
}

// MatchContact says why an existing contact may be the same person.
func MatchContact(k ContactKeys, ek ContactKeys) []string {
	var why []string
	if k.Email != "" && k.Email == ek.Email {
		why = append(why, "same email "+k.Email)
	}
	if k.PhoneE164 != "" && k.PhoneE164 == ek.PhoneE164 {
		why = append(why, "same phone "+k.PhoneE164)
	}
	if k.AccountID == ek.AccountID && k.NameKey != "" && Similarity(k.NameKey, ek.NameKey) >= SimilarNames {
		why = append(why, "similar name at the same account")
	}
	return why
}
