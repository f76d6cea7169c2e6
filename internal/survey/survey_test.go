package survey

import (
	"strings"
	"testing"
	"time"

	"tandem/internal/fault"
)

func TestDefaultsAreValid(t *testing.T) {
	for _, tpl := range Defaults() {
		tpl.Normalize()
		if err := tpl.Validate(); err != nil {
			t.Errorf("%s: %v", tpl.Name, err)
		}
	}
}

func fields(err error) map[string]string {
	out := map[string]string{}
	if e, ok := fault.As(err); ok {
		for _, f := range e.Fields {
			out[f.Field] = f.Message
		}
	}
	return out
}

func TestRead(t *testing.T) {
	tpl := Defaults()[0]
	all := map[string]string{"as_expected": "yes", "delivered_as_promised": "no", "met_expectations": "yes", "nps": "7", "comment": "Late\nagain"}
	got, err := tpl.Read(all)
	if err != nil || len(got) != 5 || got[1].Yes() || !got[0].Yes() || got[3].Value() != 7 {
		t.Fatalf("read %+v, %v", got, err)
	}
	bad := map[string]string{"as_expected": "maybe", "nps": "11", "comment": "ok", "colour": "red", "met_expectations": "yes"}
	_, err = tpl.Read(bad)
	f := fields(err)
	for _, k := range []string{"as_expected", "nps", "colour", "delivered_as_promised"} {
		if f[k] == "" {
			t.Errorf("no problem named for %s: %v", k, f)
		}
	}
	if f["met_expectations"] != "" || f["comment"] != "" {
		t.Errorf("good answers named: %v", f)
	}
	if _, err := tpl.Read(map[string]string{"as_expected": "yes", "delivered_as_promised": "yes", "met_expectations": "yes", "nps": "9",
		"comment": strings.Repeat("x", MaxTextAnswer+1)}); fields(err)["comment"] == "" {
		t.Error("a comment too long passes")
	}
	y := Defaults()[1]
	got, err = y.Read(map[string]string{"delivery_days": "3,5", "first_response_hours": "4"})
	if err != nil || *got[0].Number != 3.5 || got[0].Metric != "delivery_days" || got[0].Unit != "days" {
		t.Fatalf("yardstick %+v %v", got, err)
	}
	if _, err := y.Read(map[string]string{"delivery_days": "-1", "first_response_hours": "NaN"}); len(fields(err)) != 2 {
		t.Errorf("bad yardsticks pass: %v", err)
	}
}

func TestOutcome(t *testing.T) {
	tpl := Defaults()[0]
	read := func(a, b, c, nps string) string {
		ans, err := tpl.Read(map[string]string{"as_expected": a, "delivered_as_promised": b, "met_expectations": c, "nps": nps})
		if err != nil {
			t.Fatal(err)
		}
		return Outcome(ans)
	}
	for _, c := range []struct{ a, b, c, nps, want string }{
		{"yes", "yes", "yes", "10", Happy},
		{"yes", "yes", "yes", "9", Happy},
		{"yes", "yes", "yes", "8", Neutral},
		{"yes", "yes", "yes", "7", Neutral},
		{"yes", "yes", "yes", "6", Problem},
		{"yes", "no", "yes", "10", Problem},
		{"no", "no", "no", "0", Problem},
	} {
		if got := read(c.a, c.b, c.c, c.nps); got != c.want {
			t.Errorf("%v: %s, want %s", c, got, c.want)
		}
	}
	csat := func(n float64) []Answer { return []Answer{{Key: "c", Type: CSAT, Number: &n}} }
	if Outcome(csat(2)) != Problem || Outcome(csat(3)) != Neutral {
		t.Error("CSAT ≤ 2 is a problem, 3 is not")
	}
	ans, _ := tpl.Read(map[string]string{"as_expected": "yes", "delivered_as_promised": "yes", "met_expectations": "yes", "nps": "10"})
	if s := Summary(tpl, ans); s != "NPS 10, everything as expected" {
		t.Errorf("summary %q", s)
	}
}

func TestToken(t *testing.T) {
	k1, k2 := []byte("first key of 32 bytes..........."), []byte("second key of 32 bytes..........")
	tok := Token("inv", "k1", k1)
	inv, key, sig, ok := SplitToken(tok)
	if !ok || inv != "inv" || key != "k1" || !Verify(inv, key, sig, k1) {
		t.Fatalf("token %q does not verify", tok)
	}
	if Verify(inv, key, sig, k2) || Verify("inw", key, sig, k1) || Verify(inv, "k2", sig, k1) || Verify(inv, key, sig[:len(sig)-1]+"A", k1) {
		t.Error("a forged token verifies")
	}
	for _, bad := range []string{"", "a.b", "a..c", strings.Repeat("x", 300), "a.b.c.d"} {
		if _, _, _, ok := SplitToken(bad); ok {
			t.Errorf("%q reads as a token", bad)
		}
	}
}

func TestFatigue(t *testing.T) {
	s := DefaultSettings()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if r := s.Fatigue("Ann", now.Add(-13*24*time.Hour), now); !strings.Contains(r, "13 days ago") {
		t.Errorf("13 days: %q", r)
	}
	if r := s.Fatigue("Ann", now.Add(-14*24*time.Hour), now); r != "" {
		t.Errorf("14 days: %q", r)
	}
	if r := s.Fatigue("Ann", time.Time{}, now); r != "" {
		t.Errorf("never asked: %q", r)
	}
}

func TestValidateTargets(t *testing.T) {
	if err := ValidateTargets(map[string]float64{"delivery_days": 7, "first_response_hours": 0.5}); err != nil {
		t.Fatal(err)
	}
	f := fields(ValidateTargets(map[string]float64{"delivery_days": 0, "setup_hours": -2, "Bad Key": 3, "big": MaxYardstick + 1}))
	for _, k := range []string{"targets.delivery_days", "targets.setup_hours", "targets", "targets.big"} {
		if f[k] == "" {
			t.Errorf("no problem named for %s: %v", k, f)
		}
	}
}
