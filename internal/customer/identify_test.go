package customer

import "testing"

func TestNormalizeEmail(t *testing.T) {
	for in, want := range map[string]string{
		"  John.Smith+crm@Litware.EXAMPLE ": "john.smith@litware.example",
		"j.o.h.n+x@googlemail.com":          "john@gmail.com",
		"plain@example.com":                 "plain@example.com",
		"not an email":                      "",
		"Name <a@example.com>":              "",
		"a@localhost":                       "",
	} {
		if got := NormalizeEmail(in); got != want {
			t.Errorf("NormalizeEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if d := EmailDomain("x@gmail.com"); d != "" {
		t.Errorf("free mail is no company domain, got %q", d)
	}
	if d := EmailDomain("x@Contoso.example"); d != "contoso.example" {
		t.Errorf("EmailDomain = %q", d)
	}
}

func TestE164(t *testing.T) {
	for _, c := range []struct{ in, region, want string }{
		{"+1 (212) 555-0100", "US", "+12125550100"},
		{"212-555-0100", "US", "+12125550100"},
		{"030 1234567", "DE", "+49301234567"},
		{"+44 20 7946 0000", "US", "+442079460000"},
		{"12", "US", ""},
		{"call me", "US", ""},
	} {
		if got := E164(c.in, c.region); got != c.want {
			t.Errorf("E164(%q, %s) = %q, want %q", c.in, c.region, got, c.want)
		}
	}
}

func TestNameKeyAndSimilarity(t *testing.T) {
	for in, want := range map[string]string{
		"Northwind Traders, Inc.": "northwind traders",
		"Müller GmbH & Co. KG":    "muller",
		"The Company":             "the company",
		"  ACME   corp ":          "acme",
	} {
		if got := NameKey(in); got != want {
			t.Errorf("NameKey(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"northwind traders", "nortwind traders", true},
		{"northwind traders", "traders northwind", true},
		{"contoso", "fabrikam", false},
		{"alpine ski house", "alpine", false},
		{"", "x", false},
	} {
		if got := Similarity(c.a, c.b) >= SimilarNames; got != c.same {
			t.Errorf("Similarity(%q, %q) = %.2f, same=%v want %v", c.a, c.b, Similarity(c.a, c.b), got, c.same)
		}
	}
}

func TestMatchAccount(t *testing.T) {
	k := KeysOf(Account{Name: "Contoso Ltd", Domain: "contoso.example", Phone: "+1 212 555 0101"}, "US")
	ek := KeysOf(Account{Name: "Contoso", Phone: "2125550101"}, "US")
	why := MatchAccount(k, Account{Name: "Contoso"}, ek)
	if len(why) != 2 {
		t.Fatalf("want phone and name reasons, got %v", why)
	}
	if why := MatchAccount(k, Account{Name: "Fabrikam"}, KeysOf(Account{Name: "Fabrikam"}, "US")); len(why) != 0 {
		t.Fatalf("unrelated account matched: %v", why)
	}
}

func TestValidateInteraction(t *testing.T) {
	i := Interaction{AccountID: "a", Team: "sales", Channel: "phone", Direction: "out", Kind: CompetitorQuote, Summary: "quote", Outcome: "neutral"}
	err := i.Validate(i.OccurredAt)
	if err == nil {
		t.Fatal("want errors for missing competitor and time")
	}
}
