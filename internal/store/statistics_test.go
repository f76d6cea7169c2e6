package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"tandem/internal/cases"
	"tandem/internal/customer"
)

// TestNoEngineSpecificPlannerHints reads the store's source: no query
// names an index for the planner (INDEXED BY, NOT INDEXED, /*+ … */ hints),
// since the same SQL must run, and be planned well, on both engines
// (docs/adr/0030).
func TestNoEngineSpecificPlannerHints(t *testing.T) {
	hint := regexp.MustCompile(`(?i)\bINDEXED\s+BY\b|\bNOT\s+INDEXED\b|/\*\+`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if hint.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("%s:%d names an index for the planner: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestStatisticsFollowTheBook opens a new SQLite book (nothing to
// analyse: empty tables keep the planner's defaults), grows it, and has
// Optimize analyse what grew; the count of cases past their deadline by
// account reads the range of the queue's index both before and after.
func TestStatisticsFollowTheBook(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	statRows := func() int {
		var n int
		if err := s.row(ctx, `SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'cases'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	plan := func() string {
		query, args := breachedByAccount(now, 10)
		return explain(t, s, query, args)
	}
	if n := statRows(); n != 0 {
		t.Fatalf("a new book has %d statistics of cases", n)
	}
	rng := rand.New(rand.NewPCG(3, 3))
	var accounts []string
	err = s.InTx(ctx, func(tx *Tx) error {
		for i := range 300 {
			a := customer.Account{ID: uuid.Must(uuid.NewV7()).String(), Name: fmt.Sprintf("Account %04d", i), Kind: "organization", Tier: "standard", CreatedAt: now, UpdatedAt: now}
			if err := tx.InsertAccount(ctx, a, customer.KeysOf(a, "US")); err != nil {
				return err
			}
			accounts = append(accounts, a.ID)
		}
		for i := range 5000 {
			opened := now.Add(-time.Duration(rng.IntN(14*24)) * time.Hour)
			due := now.Add(time.Duration(rng.IntN(8*24)-24) * time.Hour)
			c := cases.Case{ID: uuid.Must(uuid.NewV7()).String(), Number: int64(1000 + i), AccountID: accounts[rng.IntN(len(accounts))], Subject: "Damaged",
				Category: "general", Priority: "normal", Status: cases.Open, OpenedAt: opened, RespondedAt: opened.Add(time.Hour), CreatedAt: opened, UpdatedAt: opened}
			c.Clocks = cases.Clocks{FirstResponseTarget: 4 * time.Hour, ResolutionTarget: 40 * time.Hour, FirstResponseDue: due.Add(-20 * time.Hour),
				ResolutionDue: due, AtRiskAt: due.Add(-8 * time.Hour)}
			if i%5 == 0 {
				c.Status, c.ClosedAt, c.ResolvedAt = cases.Closed, now, now
			}
			if err := tx.InsertCase(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := plan()
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if n := statRows(); n == 0 {
		t.Fatal("Optimize did not analyse the cases that came")
	}
	for _, p := range []string{before, plan()} {
		if !strings.Contains(p, "INDEX cases_queue (due_at<?)") {
			t.Errorf("cases past their deadline by account: %s", p)
		}
	}
	got, err := s.BreachedByAccount(ctx, now, 10)
	if err != nil || len(got) != 10 || got[0].Cases < got[9].Cases {
		t.Fatalf("%v %+v", err, got)
	}
}

// explain is SQLite's plan of a query, its steps joined by "; ".
func explain(t *testing.T, s *Store, query string, args []any) string {
	t.Helper()
	rows, err := s.query(context.Background(), `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return strings.Join(out, "; ")
}

// TestScoresReadCoveringIndexes: the whole book's scores by month, by
// owner and by trigger, and one owner's, read only covering indexes of
// migration 00023, never the responses' or the answers' rows.
func TestScoresReadCoveringIndexes(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	num := func(f float64) *float64 { return &f }
	err = s.InTx(ctx, func(tx *Tx) error {
		for i := range 20 {
			a := customer.Account{ID: fmt.Sprintf("acc%02d", i), Name: fmt.Sprintf("Account %02d", i), Kind: "organization", Tier: "standard", CreatedAt: start, UpdatedAt: start}
			if err := tx.InsertAccount(ctx, a, customer.KeysOf(a, "US")); err != nil {
				return err
			}
		}
		for i := range 2000 {
			if err := tx.AddTestResponse(ctx, fmt.Sprintf("r%04d", i), fmt.Sprintf("acc%02d", i%20), "", []string{"case_closed", "deal_won"}[i%2],
				start.Add(time.Duration(i)*time.Hour), TestAnswer{Key: "nps", Type: "nps", Number: num(float64(i % 11))},
				TestAnswer{Key: "as_expected", Type: "yes_no", Number: num(float64(i % 2))}, TestAnswer{Key: "comment", Type: "text", Text: "Fine"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	year := ScoreFilter{From: start, To: start.AddDate(1, 0, 0)}
	owner := year
	owner.OwnerID = "o1"
	for _, c := range []struct {
		f  ScoreFilter
		by string
	}{{year, ScoreByMonth}, {year, ScoreByOwner}, {year, ScoreByTrigger}, {year, ScoreByNone}, {owner, ScoreByTrigger}} {
		by := c.by
		query, args := scoreCountsQuery(c.f, by)
		p := explain(t, s, query, args)
		if !regexp.MustCompile(`COVERING INDEX survey_responses_(\w+_)?scores`).MatchString(p) || !strings.Contains(p, "COVERING INDEX survey_answers_scores") {
			t.Errorf("the book's scores by %q: %s", by, p)
		}
	}
	got, err := s.ScoreCounts(ctx, year, ScoreByNone)
	if err != nil || len(got) != 13 { // eleven NPS values, yes and no
		t.Fatalf("%v %+v", err, got)
	}
}
