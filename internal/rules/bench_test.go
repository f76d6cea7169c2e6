package rules

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkCheck200Policies checks one promise against 200 policies in
// force, of the shapes managers write, and reports the p99 of one check.
func BenchmarkCheck200Policies(b *testing.B) {
	shapes := []string{
		`promise.kind == "rebate" && promise.due_in_days < %d`,
		`promise.kind == "discount" && promise.currency == "EUR" && promise.amount_minor > %d00`,
		`account.tier == "vip" && promise.kind in ["callback", "service_level"] && promise.due_in_days > %d`,
		`maker.role == "sales" && promise.description.contains("free %d")`,
		`promise.kind == "delivery_date" && promise.due_in_days < %d && account.tier != "gold"`,
	}
	var ps []Compiled
	for i := range 200 {
		ps = append(ps, policy(fmt.Sprint(i), fmt.Sprintf(shapes[i%len(shapes)], i), []string{Warn, Block}[i%2]))
	}
	f := Facts{Kind: "rebate", AmountMinor: 120000, Currency: "EUR", DueInDays: 30,
		Description: "a rebate of 4% on the year's supply, paid by the end of the quarter", AccountTier: "vip", MakerRole: "sales"}
	at := day0.Add(time.Hour)
	if n := len(Check(f, at, ps)); n == 0 {
		b.Fatal("no conflicts: the benchmark checks nothing")
	}
	durations := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for b.Loop() {
		start := time.Now()
		Check(f, at, ps)
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(durations)
	p := func(q float64) float64 {
		return float64(durations[int(q*float64(len(durations)-1))].Microseconds())
	}
	b.ReportMetric(p(0.50), "p50_µs")
	b.ReportMetric(p(0.99), "p99_µs")
}
