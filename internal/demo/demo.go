// Package demo fills an empty database with a believable, deterministic
// book: a small team, 300 customers with their contacts, and eighteen
// months of sales and service interactions up to today. It goes through
// app like any other caller, so every record has its events.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/store"
)

// Password is every demo user's password.
const Password = "tandem-demo-2026"

// Person is a demo user.
type Person struct {
	Name, Email, Role string
}

// Team is the demo's users.
var Team = []Person{
	{"Ada Admin", "ada@example.com", "admin"},
	{"Mia Manager", "mia@example.com", "manager"},
	{"Sam Seller", "sam@example.com", "sales"},
	{"Sue Seller", "sue@example.com", "sales"},
	{"Val Service", "val@example.com", "service"},
}

// Result says what Load did.
type Result struct {
	Loaded       bool
	Accounts     int
	Contacts     int
	Interactions int
}

// Load fills an empty database and leaves one that holds data untouched.
func Load(ctx context.Context, a *app.App, accounts int) (Result, error) {
	n, err := a.Store().CountUsers(ctx)
	if err != nil {
		return Result{}, err
	}
	if m, err := a.Store().CountAccounts(ctx); err != nil || n > 0 || m > 0 {
		return Result{}, err
	}
	b := &book{rng: rand.New(rand.NewPCG(2026, 11)), now: a.Now(), actors: map[string]access.Actor{}}
	// The book's own clock dates each record when it would have been made,
	// so the timeline reads like eighteen real months.
	b.clock = b.now.AddDate(0, -19, 0)
	b.app = app.New(a.Store(), app.WithClock(func() time.Time { return b.clock }))
	if err := b.load(ctx, accounts); err != nil {
		return Result{}, err
	}
	return Result{Loaded: true, Accounts: b.accounts, Contacts: b.contacts, Interactions: b.interactions}, nil
}

type book struct {
	app                              *app.App
	rng                              *rand.Rand
	now, clock                       time.Time
	actors                           map[string]access.Actor
	accounts, contacts, interactions int
}

func (b *book) pick(list []string) string { return list[b.rng.IntN(len(list))] }

func (b *book) load(ctx context.Context, count int) error {
	for _, p := range Team {
		u, _, err := b.app.AddUser(ctx, access.System, app.NewUser{Email: p.Email, Name: p.Name, Role: p.Role, Password: Password})
		if err != nil {
			return fmt.Errorf("demo user %s: %w", p.Email, err)
		}
		b.actors[p.Email] = access.Actor{User: u, Scope: access.ScopeAdmin}
	}
	names := b.companyNames(count)
	for i, name := range names {
		if err := b.account(ctx, i, name); err != nil {
			return fmt.Errorf("demo account %s: %w", name, err)
		}
	}
	if err := b.cases(ctx); err != nil {
		return err
	}
	if err := b.policies(ctx); err != nil {
		return err
	}
	if err := b.promises(ctx); err != nil {
		return err
	}
	if err := b.goodwill(ctx); err != nil {
		return fmt.Errorf("demo goodwill: %w", err)
	}
	if err := b.deals(ctx); err != nil {
		return fmt.Errorf("demo deals: %w", err)
	}
	if err := b.orders(ctx); err != nil {
		return fmt.Errorf("demo orders: %w", err)
	}
	if err := b.surveys(ctx); err != nil {
		return fmt.Errorf("demo surveys: %w", err)
	}
	if err := b.tasks(ctx); err != nil {
		return fmt.Errorf("demo tasks: %w", err)
	}
	if err := b.competitors(ctx); err != nil {
		return fmt.Errorf("demo competitors: %w", err)
	}
	// Everyone has read their inbox up to two days ago.
	for _, actor := range b.actors {
		if err := b.app.MarkAllRead(ctx, actor, b.now.Add(-48*time.Hour)); err != nil {
			return err
		}
	}
	return nil
}

// cases opens the service work of the last weeks: most of it closed, some
// waiting on customers, some open now — a few of those late.
func (b *book) cases(ctx context.Context) error {
	val := b.actors["val@example.com"]
	accs, _, err := b.app.Accounts(ctx, val, store.AccountFilter{}, store.Page{Limit: 500})
	if err != nil {
		return err
	}
	subjects := []struct{ subject, category string }{
		{"Delivery arrived damaged", "delivery"}, {"Invoice shows the wrong discount", "billing"}, {"Cannot log in to the portal", "access"},
		{"Order shipped to the wrong site", "delivery"}, {"Question about the warranty", "product"}, {"Rebate not credited", "billing"},
		{"Replacement part needed", "product"}, {"Wants to change the delivery address", "delivery"},
	}
	yes, no := true, false
	for i := range 120 {
		acc := accs[b.rng.IntN(len(accs))]
		if i == 0 {
			for _, a := range accs {
				if a.Name == "Northwind Traders" {
					acc = a
				}
			}
		}
		s := subjects[b.rng.IntN(len(subjects))]
		if i == 0 {
			s.subject, s.category = "Pallets arrived short by four units", "delivery"
		}
		priority := []string{"low", "normal", "normal", "high", "urgent"}[b.rng.IntN(5)]
		// Older cases first, so the newest are still open.
		b.clock = b.now.Add(-time.Duration(120-i) * 7 * time.Hour)
		if i == 0 {
			b.clock = b.now.Add(-10 * time.Hour)
		}
		assignee := val.User.ID
		if i > 113 {
			assignee = "" // the newest wait for someone to take them
		}
		c, err := b.app.OpenCase(ctx, val, cases.Case{AccountID: acc.ID, Subject: s.subject, Category: s.category, Priority: priority, AssigneeID: assignee})
		if err != nil {
			return err
		}
		step := func(d time.Duration, t cases.Transition) error {
			b.clock = b.clock.Add(d)
			if b.clock.After(b.now) {
				return nil
			}
			var err error
			c, err = b.app.TransitionCase(ctx, val, c.ID, t, 0)
			return err
		}
		if i == 0 || i > 110 {
			continue // open now
		}
		if err := step(time.Duration(20+b.rng.IntN(120))*time.Minute, cases.Transition{To: cases.Open}); err != nil {
			return err
		}
		if i%9 == 0 {
			if err := step(time.Hour, cases.Transition{To: cases.PendingCustomer}); err != nil {
				return err
			}
			continue
		}
		if _, err := b.app.CommentCase(ctx, val, c.ID, "Looked into it with the warehouse.", true, 10+b.rng.IntN(50)); err != nil {
			return err
		}
		if err := step(time.Duration(1+b.rng.IntN(30))*time.Hour, cases.Transition{To: cases.Resolved, Solution: "Fixed and explained to the customer."}); err != nil {
			return err
		}
		confirmed, reason := &yes, ""
		if i%7 == 0 {
			confirmed, reason = &no, "the customer did not answer"
		}
		if i%5 != 0 {
			if err := step(48*time.Hour, cases.Transition{To: cases.Closed, Confirmed: confirmed, Reason: reason}); err != nil {
				return err
			}
		}
	}
	return nil
}

// The accounts of the product story come first, then generated ones.
var story = []string{"Northwind Traders", "Contoso", "Fabrikam", "Tailspin Toys"}

func (b *book) companyNames(count int) []string {
	first := []string{"Alpine", "Blue", "Cedar", "Copper", "Delta", "Evergreen", "Falcon", "Granite", "Harbor", "Iron", "Juniper",
		"Keystone", "Lakeside", "Maple", "Northern", "Oak", "Pioneer", "Quarry", "River", "Summit", "Timber", "Union", "Valley",
		"Willow", "Silver", "Golden", "Redwood", "Coastal", "Prairie", "Beacon", "Crescent", "Atlas"}
	second := []string{"Logistics", "Foods", "Dental", "Builders", "Analytics", "Print", "Outfitters", "Motors", "Pharmacy", "Labs",
		"Bakery", "Energy", "Textiles", "Furniture", "Optics", "Media", "Farms", "Hotels", "Marine", "Tools", "Clinics", "Brewing",
		"Systems", "Supply", "Studios", "Robotics", "Garden Center", "Software", "Cycles", "Electric"}
	suffix := []string{"", "", " Inc.", " LLC", " Ltd", " GmbH", " & Co."}
	seen := map[string]bool{}
	out := append([]string{}, story...)
	for _, s := range story {
		seen[customer.NameKey(s)] = true
	}
	for len(out) < count {
		n := b.pick(first) + " " + b.pick(second)
		if k := customer.NameKey(n); !seen[k] {
			seen[k] = true
			out = append(out, n+b.pick(suffix))
		}
	}
	return out[:count]
}

func (b *book) account(ctx context.Context, i int, name string) error {
	sam, sue, val, mia := b.actors["sam@example.com"], b.actors["sue@example.com"], b.actors["val@example.com"], b.actors["mia@example.com"]
	owner := sam
	if i >= len(story) && b.rng.IntN(2) == 0 {
		owner = sue
	}
	tier := "standard"
	switch r := b.rng.IntN(100); {
	case r < 5:
		tier = "vip"
	case r < 20:
		tier = "gold"
	case r < 50:
		tier = "silver"
	}
	if name == "Tailspin Toys" {
		tier = "vip"
	}
	domain := strings.ToLower(strings.Join(strings.Fields(customer.NameKey(name)), "")) + ".example"
	acc := customer.Account{Name: name, Kind: customer.Organization, OwnerID: owner.User.ID, Tier: tier, Domain: domain,
		Phone: fmt.Sprintf("+1 %03d 555 %04d", 201+b.rng.IntN(700), 100+i), ExternalID: fmt.Sprintf("ERP-%05d", 10000+i)}
	if i >= len(story) && b.rng.IntN(20) == 0 {
		acc.OwnerID = "" // a few accounts have nobody yet
	}
	creator := owner
	if acc.OwnerID == "" {
		creator = mia
	}
	b.clock = b.now.AddDate(0, -19, 0).Add(time.Duration(i) * 37 * time.Minute)
	created, err := b.app.CreateAccount(ctx, creator, acc, true)
	if err != nil {
		return err
	}
	b.accounts++

	firsts := []string{"Anna", "Ben", "Chloe", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas", "Kira", "Liam", "Maya",
		"Noah", "Olga", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wen", "Yusuf", "Zoe"}
	lasts := []string{"Andersen", "Brown", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ivanova", "Jensen", "Kowalski",
		"Lopez", "Müller", "Nakamura", "O'Brien", "Patel", "Rossi", "Schmidt", "Tanaka", "Novak", "Weber", "Young"}
	titles := []string{"Purchasing Manager", "Operations Director", "CEO", "Office Manager", "Head of IT", "Finance Lead", "Buyer"}
	var contactIDs []string
	for range 1 + b.rng.IntN(4) {
		first, last := b.pick(firsts), b.pick(lasts)
		email := strings.ToLower(first+"."+strings.NewReplacer("'", "", "ü", "ue").Replace(last)) + "@" + domain
		c, err := b.app.CreateContact(ctx, owner, customer.Contact{AccountID: created.ID, Name: first + " " + last, Email: email, Title: b.pick(titles)}, true)
		if err != nil {
			return err
		}
		contactIDs = append(contactIDs, c.ID)
		b.contacts++
	}

	start := b.now.AddDate(0, -18, 0)
	span := b.now.Sub(start)
	count := 8 + b.rng.IntN(40)
	if tier == "vip" || tier == "gold" {
		count += 15
	}
	for range count {
		at := start.Add(time.Duration(b.rng.Int64N(int64(span))))
		at = time.Date(at.Year(), at.Month(), at.Day(), 8+b.rng.IntN(10), b.rng.IntN(60), 0, 0, time.UTC)
		if at.After(b.now) {
			at = b.now.Add(-time.Hour)
		}
		if name == "Tailspin Toys" && at.After(b.now.AddDate(0, 0, -58)) {
			continue // the VIP nobody has called for 58 days
		}
		if err := b.interaction(ctx, created.ID, contactIDs, at, owner, val, tier); err != nil {
			return err
		}
	}
	return b.storyMoments(ctx, name, created.ID, contactIDs, owner, val)
}

type line struct{ channel, summary string }

var salesLines = map[string][]line{
	"positive": {{"meeting", "Quarterly review went well; they want to expand the order"}, {"phone", "Agreed on next year's volume"},
		{"email", "Thanked us for the fast quote"}, {"visit", "Site visit; met the new operations team"}},
	"neutral": {{"phone", "Check-in call about upcoming needs"}, {"email", "Sent the updated price list"}, {"video", "Product demo for the new line"},
		{"meeting", "Annual contract review"}, {"email", "Followed up on the open quote"}},
	"negative": {{"phone", "Unhappy about the price increase"}, {"email", "Complained that the rebate is late"}, {"meeting", "Questioned whether we still fit their needs"}},
}

var serviceLines = map[string][]line{
	"positive": {{"phone", "Resolved the login issue on the first call"}, {"chat", "Walked them through the new invoice format"}, {"email", "Confirmed the replacement arrived"}},
	"neutral": {{"phone", "Question about delivery dates"}, {"email", "Requested a copy of the invoice"}, {"chat", "Asked how to add a user"},
		{"phone", "Address change for deliveries"}},
	"negative": {{"phone", "Delivery arrived damaged"}, {"email", "Second billing error this quarter"}, {"phone", "Waited a week for a callback"},
		{"chat", "Order shipped to the wrong site"}},
}

var competitors = []string{"Globex", "Initech", "Umbrella Supply", "Soylent Partners", "Hooli"}

func (b *book) interaction(ctx context.Context, accountID string, contacts []string, at time.Time, owner, val access.Actor, tier string) error {
	actor, team, lines := owner, customer.TeamSales, salesLines
	if b.rng.IntN(100) < 45 {
		actor, team, lines = val, customer.TeamService, serviceLines
	}
	outcome := "neutral"
	switch r := b.rng.IntN(100); {
	case r < 8:
		outcome = "negative"
	case r < 40:
		outcome = "positive"
	}
	l := lines[outcome][b.rng.IntN(len(lines[outcome]))]
	in := customer.Interaction{AccountID: accountID, Team: team, Channel: l.channel, Direction: []string{"in", "out"}[b.rng.IntN(2)],
		Summary: l.summary, Outcome: outcome, OccurredAt: at}
	if len(contacts) > 0 {
		in.ContactID = contacts[b.rng.IntN(len(contacts))]
	}
	if team == customer.TeamSales && b.rng.IntN(50) == 0 {
		in.Kind, in.Competitor = customer.CompetitorQuote, b.pick(competitors)
		in.Summary, in.Outcome, in.Direction = "Mentioned a lower quote from "+in.Competitor, "negative", "in"
	}
	if actor.User.ID == "" { // an account without an owner is worked by the manager
		actor = b.actors["mia@example.com"]
	}
	b.clock = at.Add(time.Duration(5+b.rng.IntN(120)) * time.Minute)
	if b.clock.After(b.now) {
		b.clock = b.now
	}
	_, err := b.app.LogInteraction(ctx, actor, in)
	if err == nil {
		b.interactions++
	}
	return err
}

// storyMoments adds the recent touches of the product story.
func (b *book) storyMoments(ctx context.Context, name, accountID string, contacts []string, owner, val access.Actor) error {
	var moments []customer.Interaction
	switch name {
	case "Northwind Traders":
		moments = []customer.Interaction{{Team: "service", Channel: "email", Direction: "in", Outcome: "negative",
			Summary: "Pallets arrived short by four units", Body: "Their receiving team counted 36 of 40. They need the rest before Friday's production run.",
			OccurredAt: b.now.Add(-10 * time.Hour)}}
	case "Contoso":
		moments = []customer.Interaction{{Team: "sales", Channel: "meeting", Direction: "out", Outcome: "positive",
			Summary: "Promised the volume rebate by Thursday", OccurredAt: b.now.AddDate(0, 0, -6)},
			{Team: "sales", Channel: "phone", Direction: "in", Kind: customer.CompetitorQuote, Competitor: "Globex", Outcome: "negative",
				Summary: "Globex offered 8% below our renewal price", OccurredAt: b.now.AddDate(0, 0, -2)}}
	case "Fabrikam":
		moments = []customer.Interaction{{Team: "service", Channel: "email", Direction: "in", Outcome: "positive",
			Summary: "Answered the follow-up: delivered as promised, would recommend us (10)", OccurredAt: b.now.AddDate(0, 0, -1)}}
	}
	for _, m := range moments {
		m.AccountID = accountID
		if len(contacts) > 0 {
			m.ContactID = contacts[0]
		}
		actor := owner
		if m.Team == customer.TeamService {
			actor = val
		}
		b.clock = m.OccurredAt.Add(10 * time.Minute)
		if _, err := b.app.LogInteraction(ctx, actor, m); err != nil {
			return err
		}
		b.interactions++
	}
	return nil
}
