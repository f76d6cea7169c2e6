package competitor

import (
	"strings"
	"testing"
	"time"
)

func TestKey(t *testing.T) {
	for in, want := range map[string]string{"Globex": "globex", " globex  Inc. ": "globex", "GLOBEX GmbH": "globex",
		"Initech, Ltd": "initech", "Co-op Supplies": "co op supplies", "Inc": "inc", "...": "", "Müller AG": "müller"} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		c     Competitor
		field string
	}{
		{Competitor{Name: ""}, "name"},
		{Competitor{Name: "--"}, "name"},
		{Competitor{Name: "Globex", Website: "globex.example"}, "website"},
		{Competitor{Name: "Globex", Website: "https://globex.example"}, ""},
	} {
		err := c.c.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.c, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.field) {
			t.Errorf("%+v: %v, want a %s error", c.c, err, c.field)
		}
	}
}

func TestFoldAndSummarize(t *testing.T) {
	list := []Competitor{{ID: "g", Name: "Globex"}, {ID: "i", Name: "Initech"}}
	tallies := Fold(list, []Count{{Kind: Quote, Competitor: "globex inc", Count: 2}, {Kind: LostDeal, Competitor: "Globex", Count: 1},
		{Kind: Quote, Competitor: "Hooli", Count: 5}, {Kind: Compares, Competitor: "GLOBEX", Count: 1}, {Kind: Quote, Competitor: "", Count: 3}})
	if len(tallies) != 3 || tallies[0].Competitor.ID != "g" || tallies[0].Quotes != 2 || tallies[0].LostDeals != 1 || tallies[0].Compares != 1 ||
		len(tallies[0].Names) != 3 || tallies[1].Competitor.ID != "i" || tallies[2].Competitor.Name != "Hooli" || tallies[2].Quotes != 5 {
		t.Errorf("tallies = %+v", tallies)
	}
	now := time.Now()
	s := Summarize(now, list, []Signal{{Kind: Quote, Competitor: "globex"}, {Kind: Compares}, {Kind: LostDeal, Competitor: "Hooli"}})
	if s.Quotes != 1 || s.Compares != 1 || s.Lost != 1 || s.List[0].CompetitorID != "g" || s.List[0].Competitor != "Globex" || s.List[2].CompetitorID != "" {
		t.Errorf("signals = %+v", s)
	}
}
