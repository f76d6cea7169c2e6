// Package customer holds the one customer record: accounts, their contacts
// and the interactions both teams have with them, with the rules that keep
// each customer identified the same way at every contact.
package customer

import (
	"strings"
	"time"

	"tandem/internal/fault"
)

// Account kinds.
const (
	Organization = "organization"
	Person       = "person"
)

// Account is a customer: a company or a person.
type Account struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Kind       string    `json:"kind"`
	OwnerID    string    `json:"owner_id"`
	Tier       string    `json:"tier"`
	ExternalID string    `json:"external_id"`
	Domain     string    `json:"domain"`
	Phone      string    `json:"phone"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"version"`
}

// Tiers an account can be in.
var Tiers = []string{"standard", "silver", "gold", "vip"}

// Contact is a person at an account.
type Contact struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Title     string    `json:"title"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// Interaction kinds, teams, directions and outcomes.
const (
	Touch           = "touch"
	CompetitorQuote = "competitor_quote"
	// Comparing is the customer saying they compare offers, with or
	// without naming whom with: a shopping signal without a quote.
	Comparing   = "comparing"
	TeamSales   = "sales"
	TeamService = "service"
)

var (
	Teams      = []string{TeamSales, TeamService}
	Kinds      = []string{Touch, CompetitorQuote, Comparing}
	Directions = []string{"in", "out"}
	Outcomes   = []string{"positive", "neutral", "negative"}
	Channels   = []string{"phone", "email", "meeting", "video", "chat", "visit", "letter", "other"}
)

// Interaction is one touch between Tandem's users and a customer.
type Interaction struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"account_id"`
	ContactID  string    `json:"contact_id"`
	UserID     string    `json:"user_id"`
	Team       string    `json:"team"`
	Channel    string    `json:"channel"`
	Direction  string    `json:"direction"`
	Kind       string    `json:"kind"`
	Competitor string    `json:"competitor"`
	Summary    string    `json:"summary"`
	Body       string    `json:"body"`
	Outcome    string    `json:"outcome"`
	OccurredAt time.Time `json:"occurred_at"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"version"`
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

func choices(set []string) string { return "use one of: " + strings.Join(set, ", ") }

// Normalize trims an account's fields and fills defaults.
func (a *Account) Normalize() {
	a.Name = strings.Join(strings.Fields(a.Name), " ")
	a.Kind = strings.TrimSpace(a.Kind)
	if a.Kind == "" {
		a.Kind = Organization
	}
	a.Tier = strings.ToLower(strings.TrimSpace(a.Tier))
	if a.Tier == "" {
		a.Tier = "standard"
	}
	a.ExternalID = strings.TrimSpace(a.ExternalID)
	a.Domain = NormalizeDomain(a.Domain)
	a.Phone = strings.TrimSpace(a.Phone)
}

// Validate reports every field that breaks a rule.
func (a Account) Validate(region string) error {
	var f fault.Fields
	if a.Name == "" {
		f.Add("name", "give the account a name")
	} else if len(a.Name) > 200 {
		f.Add("name", "keep the name under 200 characters")
	}
	if !oneOf(a.Kind, []string{Organization, Person}) {
		f.Add("kind", choices([]string{Organization, Person}))
	}
	if !oneOf(a.Tier, Tiers) {
		f.Add("tier", choices(Tiers))
	}
	if a.Domain != "" && !validDomain(a.Domain) {
		f.Add("domain", "enter a domain such as example.com")
	}
	if a.Phone != "" && E164(a.Phone, region) == "" {
		f.Add("phone", "enter a phone number with its country code, e.g. +1 212 555 0100")
	}
	if len(a.ExternalID) > 100 {
		f.Add("external_id", "keep the external id under 100 characters")
	}
	return f.Err()
}

// Normalize trims a contact's fields.
func (c *Contact) Normalize() {
	c.Name = strings.Join(strings.Fields(c.Name), " ")
	c.Email = strings.TrimSpace(c.Email)
	c.Phone = strings.TrimSpace(c.Phone)
	c.Title = strings.TrimSpace(c.Title)
}

// Validate reports every field that breaks a rule.
func (c Contact) Validate(region string) error {
	var f fault.Fields
	if c.AccountID == "" {
		f.Add("account_id", "choose the account this contact belongs to")
	}
	if c.Name == "" {
		f.Add("name", "give the contact a name")
	} else if len(c.Name) > 200 {
		f.Add("name", "keep the name under 200 characters")
	}
	if c.Email != "" && NormalizeEmail(c.Email) == "" {
		f.Add("email", "enter an email address such as name@example.com")
	}
	if c.Phone != "" && E164(c.Phone, region) == "" {
		f.Add("phone", "enter a phone number with its country code, e.g. +1 212 555 0100")
	}
	return f.Err()
}

// Normalize trims an interaction's fields and fills defaults.
func (i *Interaction) Normalize() {
	i.Team = strings.TrimSpace(i.Team)
	i.Channel = strings.TrimSpace(i.Channel)
	i.Direction = strings.TrimSpace(i.Direction)
	i.Kind = strings.TrimSpace(i.Kind)
	if i.Kind == "" {
		i.Kind = Touch
	}
	if i.Outcome == "" {
		i.Outcome = "neutral"
	}
	i.Competitor = strings.TrimSpace(i.Competitor)
	i.Summary = strings.TrimSpace(i.Summary)
	i.Body = strings.TrimSpace(i.Body)
}

// Validate reports every field that breaks a rule; now bounds occurred_at.
func (i Interaction) Validate(now time.Time) error {
	var f fault.Fields
	if i.AccountID == "" {
		f.Add("account_id", "choose the account this interaction was with")
	}
	if !oneOf(i.Team, Teams) {
		f.Add("team", choices(Teams))
	}
	if !oneOf(i.Channel, Channels) {
		f.Add("channel", choices(Channels))
	}
	if !oneOf(i.Direction, Directions) {
		f.Add("direction", choices(Directions))
	}
	if !oneOf(i.Kind, Kinds) {
		f.Add("kind", choices(Kinds))
	}
	if i.Kind == CompetitorQuote && i.Competitor == "" {
		f.Add("competitor", "name the competitor who quoted")
	}
	if !oneOf(i.Outcome, Outcomes) {
		f.Add("outcome", choices(Outcomes))
	}
	if i.Summary == "" {
		f.Add("summary", "say in a line what happened")
	} else if len(i.Summary) > 300 {
		f.Add("summary", "keep the summary under 300 characters; put the rest in the body")
	}
	if len(i.Body) > 20000 {
		f.Add("body", "keep the body under 20,000 characters")
	}
	if i.OccurredAt.IsZero() {
		f.Add("occurred_at", "say when it happened")
	} else if i.OccurredAt.After(now.Add(5 * time.Minute)) {
		f.Add("occurred_at", "an interaction cannot be in the future")
	}
	return f.Err()
}
