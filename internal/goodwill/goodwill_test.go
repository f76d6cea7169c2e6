package goodwill

import (
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/fault"
)

func eur(minor int64) Money { return Money{Minor: minor, Currency: "EUR"} }

func TestLimitAppliesExactlyAtTheBoundary(t *testing.T) {
	limits := DefaultLimits()
	limit := limits.For(access.Sales, Value{}) // no orders yet: the absolute amount
	if limit != eur(20000) {
		t.Fatalf("sales limit without margin = %v, want €200.00", limit)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		amount Money
		want   Status
	}{
		{eur(19999), Approved},
		{eur(20000), Approved},                        // == limit is within
		{eur(20001), Pending},                         // limit + 1 waits
		{Money{Minor: 100, Currency: "USD"}, Pending}, // another currency is never within
	} {
		g := Goodwill{Amount: c.amount}
		g.Decide(limit, now)
		if g.Status != c.want {
			t.Errorf("%v against %v: %s, want %s", c.amount, limit, g.Status, c.want)
		}
		if c.want == Approved && (!g.WithinLimit || g.DecidedByID != "" || !g.DecidedAt.Equal(now)) {
			t.Errorf("%v approved at once: %+v", c.amount, g)
		}
		if c.want == Pending && (g.WithinLimit || !g.DecidedAt.IsZero()) {
			t.Errorf("%v pending but decided: %+v", c.amount, g)
		}
	}
}

func TestLimitIsTheLowerOfAbsoluteAndMarginShare(t *testing.T) {
	limits := Limits{access.Sales: {Absolute: eur(20000), ShareBP: 1000}} // €200, 10 %
	for _, c := range []struct {
		margin Money
		want   Money
	}{
		{Money{}, eur(20000)},                               // unknown margin: absolute
		{eur(0), eur(20000)},                                // no margin yet: absolute
		{eur(100000), eur(10000)},                           // 10 % of €1,000 = €100 < €200
		{eur(1000000), eur(20000)},                          // 10 % of €10,000 = €1,000 > €200
		{eur(200000), eur(20000)},                           // exactly equal
		{eur(12345), eur(1234)},                             // rounds down to the cent
		{Money{Minor: 100000, Currency: "USD"}, eur(20000)}, // margin in another currency: unknown
	} {
		if got := limits.For(access.Sales, Value{Margin12m: c.margin}); got != c.want {
			t.Errorf("margin %v: limit %v, want %v", c.margin, got, c.want)
		}
	}
	if got := limits.For(access.Service, Value{}); got.Minor != 0 {
		t.Errorf("a role without a limit may grant %v alone", got)
	}
}

func TestNobodyDecidesTheirOwnRequest(t *testing.T) {
	now := time.Now()
	g := Goodwill{RequestedByID: "mia", Status: Pending, Amount: eur(900000)}
	err := g.Apply(Decision{Approve: true}, "mia", now)
	if fault.KindOf(err) != fault.Invalid {
		t.Fatalf("own approval: %v, want invalid", err)
	}
	if e, _ := fault.As(err); len(e.Fields) != 1 || e.Fields[0].Field != "requested_by_id" {
		t.Errorf("own approval names %+v", e.Fields)
	}
	if g.Status != Pending {
		t.Errorf("own approval changed the status to %s", g.Status)
	}
	if err := g.Apply(Decision{Approve: false}, "sam", now); fault.KindOf(err) != fault.Invalid {
		t.Errorf("rejecting without a note: %v", err)
	}
	if err := g.Apply(Decision{Approve: true, Note: "fair"}, "sam", now); err != nil || g.Status != Approved || g.DecidedByID != "sam" {
		t.Fatalf("approval by another: %v %+v", err, g)
	}
	if err := g.Apply(Decision{Approve: false, Note: "no"}, "val", now); fault.KindOf(err) != fault.Conflict {
		t.Errorf("deciding twice: %v, want conflict", err)
	}
}

func TestValidateNamesTheField(t *testing.T) {
	for _, c := range []struct {
		g     Goodwill
		field string
	}{
		{Goodwill{AccountID: "a", Kind: "bribe", Amount: eur(1), Reason: "r"}, "kind"},
		{Goodwill{AccountID: "a", Kind: Credit, Amount: eur(-1), Reason: "r"}, "amount.amount_minor"},
		{Goodwill{AccountID: "a", Kind: Credit, Amount: eur(0), Reason: "r"}, "amount.amount_minor"},
		{Goodwill{AccountID: "a", Kind: Credit, Amount: Money{Minor: 1, Currency: "XXY"}, Reason: "r"}, "amount.currency"},
		{Goodwill{AccountID: "a", Kind: Credit, Amount: eur(1)}, "reason"},
		{Goodwill{Kind: Credit, Amount: eur(1), Reason: "r"}, "account_id"},
	} {
		c.g.Normalize()
		e, ok := fault.As(c.g.Validate())
		if !ok || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
			t.Errorf("%+v: %v, want one problem with %s", c.g, e, c.field)
		}
	}
	ok := Goodwill{AccountID: "a", Kind: "Rebate_Top_Up", Amount: Money{Minor: 5, Currency: "eur"}, Reason: " late  rebate "}
	ok.Normalize()
	if err := ok.Validate(); err != nil || ok.Reason != "late rebate" || ok.Amount.Currency != "EUR" {
		t.Errorf("valid request: %v %+v", err, ok)
	}
	if got := (Goodwill{Kind: RebateTopUp, Amount: eur(15000)}).Phrase(); got != "a rebate top up of €150.00" {
		t.Errorf("phrase %q", got)
	}
	if got := (Goodwill{Kind: Credit, Amount: eur(15000)}).Phrase(); got != "a credit of €150.00" {
		t.Errorf("phrase %q", got)
	}
}

func TestLimitsValidate(t *testing.T) {
	if err := DefaultLimits().Validate(); err != nil {
		t.Fatal(err)
	}
	ls := DefaultLimits()
	ls[access.Sales] = Limit{Absolute: eur(-1), ShareBP: 20000}
	delete(ls, access.Service)
	e, ok := fault.As(ls.Validate())
	if !ok || len(e.Fields) != 3 {
		t.Fatalf("bad limits: %v", e)
	}
}
