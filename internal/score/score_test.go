package score

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The constructed set: ten answers 10,10,9,9,9 (promoters), 8,7,7
// (passives), 3,6 (detractors). NPS = (5−2)/10 × 100 = 30. As +1/0/−1 the
// mean is 0.3 and E[x²] is 0.7, so the variance is 0.7 − 0.09 = 0.61 and the
// SE is sqrt(0.61/10) × 100 = 24.698…
func TestNPSConstructedSet(t *testing.T) {
	answers := []int{10, 10, 9, 9, 9, 8, 7, 7, 3, 6}
	dist := make([]int, 11)
	for _, a := range answers {
		dist[a]++
	}
	got := NPSFromDistribution(dist)
	want := NPS{Score: 30, SE: math.Sqrt(0.061) * 100, N: 10, Promoters: 5, Passives: 3, Detractors: 2}
	if got.N != want.N || got.Promoters != 5 || got.Passives != 3 || got.Detractors != 2 || !near(got.Score, 30) || !near(got.SE, want.SE) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if math.Abs(got.SE-24.6981780705) > 1e-9 {
		t.Fatalf("SE %.10f", got.SE)
	}
	lo, hi := got.Interval95()
	if !near(lo, 30-1.96*want.SE) || !near(hi, 30+1.96*want.SE) {
		t.Fatalf("interval %v %v", lo, hi)
	}
}

func TestNPSKnownSets(t *testing.T) {
	for _, c := range []struct {
		name      string
		p, q, d   int
		score, se float64
	}{
		{"empty", 0, 0, 0, 0, 0},
		{"one promoter", 1, 0, 0, 100, 0},
		{"one passive", 0, 1, 0, 0, 0},
		{"one detractor", 0, 0, 1, -100, 0},
		{"all promoters", 40, 0, 0, 100, 0},
		{"half and half", 50, 0, 50, 0, 10}, // var 1, n 100 → 0.1 × 100
		{"all passives", 0, 25, 0, 0, 0},    // var 0
		{"quarters", 25, 50, 25, 0, math.Sqrt(0.5/100) * 100},
		{"negative counts", -3, 2, 0, 0, 0}, // treated as 0 promoters
		{"200 answers", 120, 50, 30, 45, math.Sqrt((0.6+0.15-0.45*0.45)/200) * 100},
	} {
		got := NPSFromCounts(c.p, c.q, c.d)
		if !near(got.Score, c.score) || !near(got.SE, c.se) {
			t.Errorf("%s: got score %v se %v, want %v %v", c.name, got.Score, got.SE, c.score, c.se)
		}
	}
	if n := NPSFromCounts(0, 0, 0); n.N != 0 {
		t.Errorf("empty N %d", n.N)
	}
}

func TestNPSBucket(t *testing.T) {
	want := []int{-1, -1, -1, -1, -1, -1, -1, 0, 0, 1, 1}
	for v, w := range want {
		if NPSBucket(v) != w {
			t.Errorf("bucket(%d) = %d, want %d", v, NPSBucket(v), w)
		}
	}
}

// The SE agrees with the standard error of the mean of the +1/0/−1 values
// computed the long way, and stays within its bounds.
func TestNPSProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		answers := rapid.SliceOfN(rapid.IntRange(0, 10), 1, 300).Draw(t, "answers")
		dist := make([]int, 11)
		var sum, sq float64
		for _, a := range answers {
			dist[a]++
			x := float64(NPSBucket(a))
			sum += x
			sq += x * x
		}
		n := float64(len(answers))
		mean := sum / n
		se := math.Sqrt((sq/n-mean*mean)/n) * 100
		got := NPSFromDistribution(dist)
		if got.N != len(answers) || got.Promoters+got.Passives+got.Detractors != got.N {
			t.Fatalf("counts %+v", got)
		}
		if math.Abs(got.Score-mean*100) > 1e-9 || math.Abs(got.SE-se) > 1e-9 {
			t.Fatalf("got %+v, want score %v se %v", got, mean*100, se)
		}
		if got.Score < -100 || got.Score > 100 || got.SE < 0 || got.SE > 100/math.Sqrt(n)+1e-9 {
			t.Fatalf("out of bounds %+v", got)
		}
	})
}

func TestCSATCESShare(t *testing.T) {
	// 1–5: two 5s, one 4, one 3, one 1 → 3 of 5.
	c := CSATFromDistribution([]int{9, 1, 0, 1, 1, 2})
	if c.Hits != 3 || c.N != 5 || !near(c.Rate, 0.6) {
		t.Fatalf("csat %+v", c)
	}
	if c := CSATFromDistribution(nil); c.N != 0 || c.Rate != 0 {
		t.Fatalf("empty csat %+v", c)
	}
	// 1–7: 1,2,2,7 → 3.
	m := CESFromDistribution([]int{0, 1, 2, 0, 0, 0, 0, 1, 5})
	if m.N != 4 || !near(m.Mean, 3) {
		t.Fatalf("ces %+v", m)
	}
	if m := MeanOf(10, 0); m.N != 0 || m.Mean != 0 {
		t.Fatalf("empty mean %+v", m)
	}
	if s := ShareOf(5, 3); s.Hits != 3 || s.Rate != 1 {
		t.Fatalf("clipped %+v", s)
	}
	if s := ShareOf(2, 8); !near(s.Rate, 0.25) {
		t.Fatalf("share %+v", s)
	}
}

func TestYardstick(t *testing.T) {
	target := 7.0
	vals := []float64{4, 3, 3, 4, 7, 3.5, 10, 2}
	y := YardstickOf("delivery_days", "days", vals, &target)
	// sorted 2 3 3 3.5 4 4 7 10: median (3.5+4)/2, p25 at h=1.75 → 3,
	// p75 at h=5.25 → 4 + 0.25×3 = 4.75.
	if y.N != 8 || !near(y.Median, 3.75) || !near(y.P25, 3) || !near(y.P75, 4.75) {
		t.Fatalf("yardstick %+v", y)
	}
	if y.WithinTarget == nil || y.WithinTarget.Hits != 2 || !near(y.WithinTarget.Rate, 0.25) {
		t.Fatalf("within %+v", y.WithinTarget)
	}
	if vals[0] != 4 {
		t.Fatal("input sorted in place")
	}
	e := YardstickOf("first_response_hours", "hours", nil, nil)
	if e.N != 0 || e.Median != 0 || e.WithinTarget != nil {
		t.Fatalf("empty %+v", e)
	}
	one := YardstickOf("x", "", []float64{5}, nil)
	if one.Median != 5 || one.P25 != 5 || one.P75 != 5 {
		t.Fatalf("one %+v", one)
	}
}

func TestQuantileProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vals := rapid.SliceOfN(rapid.Float64Range(0, 1000), 1, 100).Draw(t, "v")
		y := YardstickOf("m", "", vals, nil)
		lo, hi := vals[0], vals[0]
		for _, v := range vals {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if !(lo <= y.P25 && y.P25 <= y.Median && y.Median <= y.P75 && y.P75 <= hi) {
			t.Fatalf("order %+v lo %v hi %v", y, lo, hi)
		}
	})
}
