package money

import "testing"

func TestParseAndWrite(t *testing.T) {
	m, err := ParseMajor("1,200.00", "EUR")
	if err != nil || m != (Money{Minor: 120000, Currency: "EUR"}) {
		t.Fatalf("ParseMajor = %v, %v", m, err)
	}
	if got := m.String(); got != "€1,200.00" {
		t.Errorf("String = %q", got)
	}
	if got := (Money{Minor: 5000, Currency: "JPY"}).String(); got != "¥5,000" {
		t.Errorf("JPY = %q", got)
	}
	if got := (Money{Minor: -150, Currency: "EUR"}).String(); got != "€-1.50" {
		t.Errorf("negative = %q", got)
	}
	for _, bad := range []struct{ s, c string }{{"-1", "EUR"}, {"1.234", "EUR"}, {"1.5", "JPY"}, {"", "EUR"}, {"abc", "EUR"}, {"1", "XXX"}} {
		if _, err := ParseMajor(bad.s, bad.c); err == nil {
			t.Errorf("ParseMajor(%q, %q) accepted", bad.s, bad.c)
		}
	}
}
