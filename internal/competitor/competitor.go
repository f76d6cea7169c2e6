// Package competitor holds the competitors managers keep and the rules
// of a customer's shopping signals: the quotes they got elsewhere, the
// deals they gave to someone else and their saying that they compare.
package competitor

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"

	"tandem/internal/fault"
)

// Window is how far back an account's shopping signals reach.
const Window = 90 * 24 * time.Hour

// Competitor is one company our customers also buy from.
type Competitor struct {
	ID        string    `json:"id"`
	Name      string    `json:"name" example:"Globex"`
	Website   string    `json:"website" example:"https://globex.example"`
	Notes     string    `json:"notes" doc:"What sales know of them: prices, strengths, where they win"`
	Active    bool      `json:"active" doc:"An inactive competitor stays on old signals and is no longer offered"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// legal are the company-form words Key leaves out, so that "Globex Inc."
// and "globex" are one competitor.
var legal = map[string]bool{"inc": true, "ltd": true, "llc": true, "gmbh": true, "ag": true, "sa": true, "sas": true, "bv": true,
	"nv": true, "plc": true, "corp": true, "corporation": true, "co": true, "company": true, "limited": true, "srl": true, "spa": true, "oy": true, "ab": true}

// Key is a competitor's name as it is matched: lower case, letters and
// digits only, words joined by one space, company forms ("Inc.", "GmbH")
// left out. "Globex Inc.", " globex " and "GLOBEX" have the key "globex".
func Key(name string) string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := words[:0]
	for i, w := range words {
		if i > 0 && legal[w] {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// Normalize trims the fields.
func (c *Competitor) Normalize() {
	c.Name = strings.Join(strings.Fields(c.Name), " ")
	c.Website = strings.TrimSpace(c.Website)
	c.Notes = strings.TrimSpace(c.Notes)
}

// Validate reports every field that breaks a rule.
func (c Competitor) Validate() error {
	var f fault.Fields
	switch {
	case c.Name == "":
		f.Add("name", "name the competitor")
	case Key(c.Name) == "":
		f.Add("name", "use at least one letter or digit")
	case len(c.Name) > 200:
		f.Add("name", "keep the name under 200 characters")
	}
	if c.Website != "" && (len(c.Website) > 300 || strings.ContainsAny(c.Website, " \t\n") ||
		!(strings.HasPrefix(c.Website, "https://") || strings.HasPrefix(c.Website, "http://"))) {
		f.Add("website", "give an address starting with https:// (or leave it empty)")
	}
	if len(c.Notes) > 5000 {
		f.Add("notes", "keep the notes under 5,000 characters")
	}
	return f.Err()
}

// Match returns the competitor of the list whose key is name's, if any.
func Match(list []Competitor, name string) (Competitor, bool) {
	k := Key(name)
	if k == "" {
		return Competitor{}, false
	}
	for _, c := range list {
		if Key(c.Name) == k {
			return c, true
		}
	}
	return Competitor{}, false
}

// Signal kinds.
const (
	Quote    = "quote"     // an interaction of kind competitor_quote
	Compares = "compares"  // an interaction of kind comparing
	LostDeal = "lost_deal" // a deal lost, maybe to a competitor
)

// Signal is one sign that a customer is shopping elsewhere.
type Signal struct {
	Kind       string    `json:"kind" enum:"quote,compares,lost_deal"`
	At         time.Time `json:"at"`
	Competitor string    `json:"competitor" doc:"As recorded; empty when none was named"`
	// CompetitorID is the competitor of the list it matches, if any.
	CompetitorID string `json:"competitor_id,omitempty"`
	Summary      string `json:"summary" doc:"The interaction's summary, or the deal's title and lost reason"`
	// SubjectID is the interaction or the deal.
	SubjectID string `json:"subject_id"`
	AccountID string `json:"account_id"`
}

// Signals are an account's shopping signals since From, the newest first.
type Signals struct {
	From     time.Time `json:"from"`
	Quotes   int       `json:"quotes"`
	Compares int       `json:"compares"`
	Lost     int       `json:"lost_deals"`
	List     []Signal  `json:"items"`
}

// Summarize counts the signals and matches them to the list.
func Summarize(from time.Time, list []Competitor, signals []Signal) Signals {
	out := Signals{From: from, List: signals}
	for i, s := range signals {
		if c, ok := Match(list, s.Competitor); ok {
			out.List[i].CompetitorID = c.ID
			out.List[i].Competitor = c.Name
		}
		switch s.Kind {
		case Quote:
			out.Quotes++
		case Compares:
			out.Compares++
		case LostDeal:
			out.Lost++
		}
	}
	return out
}

// Count is one name's number of signals of one kind, as the store adds
// them up.
type Count struct {
	Kind       string
	Competitor string
	Count      int
	Accounts   int
}

// Tally is how often one competitor came up over a period.
type Tally struct {
	// Competitor is the list's; its ID is empty for names not on it.
	Competitor Competitor `json:"competitor"`
	Quotes     int        `json:"quotes"`
	Compares   int        `json:"compares"`
	LostDeals  int        `json:"lost_deals"`
	// Names are the names as recorded that were folded into this one.
	Names []string `json:"names"`
}

// Fold adds the counts up per competitor of the list, names that match
// none staying on their own (under their first spelling); the list's
// competitors come first, the most signals first, then the others.
func Fold(list []Competitor, counts []Count) []Tally {
	byKey := map[string]*Tally{}
	var order []string
	for _, c := range list {
		k := Key(c.Name)
		byKey[k] = &Tally{Competitor: c}
		order = append(order, k)
	}
	for _, n := range counts {
		k := Key(n.Competitor)
		if k == "" {
			continue
		}
		t := byKey[k]
		if t == nil {
			t = &Tally{Competitor: Competitor{Name: strings.Join(strings.Fields(n.Competitor), " ")}}
			byKey[k] = t
			order = append(order, k)
		}
		switch n.Kind {
		case Quote:
			t.Quotes += n.Count
		case Compares:
			t.Compares += n.Count
		case LostDeal:
			t.LostDeals += n.Count
		}
		if !slices.Contains(t.Names, n.Competitor) {
			t.Names = append(t.Names, n.Competitor)
		}
	}
	out := make([]Tally, 0, len(order))
	for _, k := range order {
		out = append(out, *byKey[k])
	}
	total := func(t Tally) int { return t.Quotes + t.Compares + t.LostDeals }
	listed := func(t Tally) int {
		if t.Competitor.ID != "" {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(out, func(a, b Tally) int {
		if c := cmp.Compare(listed(a), listed(b)); c != 0 {
			return c
		}
		return cmp.Compare(total(b), total(a))
	})
	return out
}
