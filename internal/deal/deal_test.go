package deal

import (
	"testing"
	"time"

	"tandem/internal/fault"
)

func fields(t *testing.T, err error) map[string]bool {
	t.Helper()
	e, ok := fault.As(err)
	if !ok || e.Kind != fault.Invalid {
		t.Fatalf("want invalid, got %v", err)
	}
	out := map[string]bool{}
	for _, f := range e.Fields {
		out[f.Field] = true
	}
	return out
}

func TestValidate(t *testing.T) {
	p := DefaultPipeline()
	ok := Deal{AccountID: "a", Title: "Renewal 2027", Amount: Money{Minor: 1200000, Currency: "EUR"}, Stage: "qualify"}
	ok.Normalize()
	if err := ok.Validate(p); err != nil || ok.Source != SourceNew {
		t.Fatalf("good deal: %v %+v", err, ok)
	}
	bad := Deal{Title: " ", Amount: Money{Minor: -1, Currency: "XXX"}, Stage: "won", Source: "cold"}
	bad.Normalize()
	got := fields(t, bad.Validate(p))
	for _, f := range []string{"account_id", "title", "amount.amount_minor", "amount.currency", "stage", "source"} {
		if !got[f] {
			t.Errorf("no error on %s: %v", f, got)
		}
	}
	svc := ok
	svc.Source = SourceServiceFollowUp
	if !fields(t, svc.Validate(p))["case_id"] {
		t.Fatal("a service follow-up without a case")
	}
	svc.CaseID = "c"
	if err := svc.Validate(p); err != nil {
		t.Fatal(err)
	}
}

func TestMove(t *testing.T) {
	p := DefaultPipeline()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	d := Deal{Stage: "qualify"}
	if err := d.Move(p, Transition{To: "negotiate"}, now); err != nil || d.Stage != "negotiate" {
		t.Fatalf("move: %v %+v", err, d)
	}
	if !fields(t, d.Move(p, Transition{To: "nowhere"}, now))["to"] {
		t.Fatal("unknown stage")
	}
	if !fields(t, d.Move(p, Transition{To: "negotiate"}, now))["to"] {
		t.Fatal("same stage")
	}
	if !fields(t, d.Move(p, Transition{To: Lost}, now))["lost_reason"] {
		t.Fatal("lost without a reason")
	}
	if d.Stage != "negotiate" {
		t.Fatalf("a refused move changed the deal: %+v", d)
	}
	lost := d
	if err := lost.Move(p, Transition{To: Lost, LostReason: " price ", LostTo: "Globex"}, now); err != nil {
		t.Fatal(err)
	}
	if lost.LostReason != "price" || lost.LostTo != "Globex" || !lost.LostAt.Equal(now) || lost.Open() {
		t.Fatalf("lost: %+v", lost)
	}
	if fault.KindOf(lost.Move(p, Transition{To: "qualify"}, now)) != fault.Conflict {
		t.Fatal("a lost deal moved")
	}
	if err := d.Move(p, Transition{To: Won}, now); err != nil || !d.WonAt.Equal(now) {
		t.Fatalf("won: %v %+v", err, d)
	}
	if fault.KindOf(d.Move(p, Transition{To: Lost, LostReason: "x"}, now)) != fault.Conflict {
		t.Fatal("a won deal moved")
	}
}

func TestBoardTotals(t *testing.T) {
	p := DefaultPipeline()
	eur := func(n int64) Money { return Money{Minor: n, Currency: "EUR"} }
	deals := []Deal{
		{Stage: "negotiate", Amount: eur(1000000)},
		{Stage: "negotiate", Amount: eur(199)},
		{Stage: "negotiate", Amount: Money{Minor: 500, Currency: "USD"}},
		{Stage: "qualify", Amount: eur(100)},
		{Stage: "gone", Amount: eur(100)},
	}
	cols := Board(p, deals)
	if len(cols) != 5 || cols[2].Stage.Key != "negotiate" || len(cols[2].Deals) != 3 {
		t.Fatalf("board: %+v", cols)
	}
	if cols[2].Total[0] != eur(1000199) || cols[2].Weighted[0] != eur(600119) || cols[2].Weighted[1].Minor != 300 {
		t.Fatalf("negotiate totals: %+v %+v", cols[2].Total, cols[2].Weighted)
	}
	if cols[0].Weighted[0] != eur(10) || len(cols[3].Total) != 0 {
		t.Fatalf("qualify/won: %+v %+v", cols[0], cols[3])
	}
	if prev, next := p.Neighbours("qualify"); prev != "" || next != "propose" {
		t.Fatal(prev, next)
	}
	if prev, next := p.Neighbours("negotiate"); prev != "propose" || next != Won {
		t.Fatal(prev, next)
	}
}

func TestPipelineValidate(t *testing.T) {
	if err := DefaultPipeline().Validate(); err != nil {
		t.Fatal(err)
	}
	p := Pipeline{Stages: []Stage{{Key: "Won", Probability: 90}, {Key: "x", Probability: 120}, {Key: "x"}}}
	p.Normalize()
	got := fields(t, p.Validate())
	for _, f := range []string{"stages[0].probability", "stages[1].probability", "stages[2].key", "stages"} {
		if !got[f] {
			t.Errorf("no error on %s: %v", f, got)
		}
	}
}
