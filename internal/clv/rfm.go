package clv

import "sort"

// RFM is a customer's recency, frequency and monetary quintile scores, 1
// (lowest fifth) to 5 (highest), and the segment they fall in.
type RFM struct {
	R, F, M int
	Segment string
}

// Segments, by recency score (rows, 5 = bought most recently) and frequency
// score (columns, 5 = bought most often). Monetary value does not move a
// customer between segments; it ranks them within one.
//
//	R\F   1            2            3          4          5
//	5     new          potential    loyal      champions  champions
//	4     new          potential    loyal      champions  champions
//	3     hibernating  potential    loyal      loyal      loyal
//	2     hibernating  hibernating  at risk    at risk    can't lose
//	1     lost         lost         at risk    at risk    can't lose
var segmentGrid = [5][5]string{
	{"lost", "lost", "at risk", "at risk", "can't lose"},
	{"hibernating", "hibernating", "at risk", "at risk", "can't lose"},
	{"hibernating", "potential", "loyal", "loyal", "loyal"},
	{"new", "potential", "loyal", "champions", "champions"},
	{"new", "potential", "loyal", "champions", "champions"},
}

// Segment names the segment of recency and frequency scores.
func Segment(r, f int) string { return segmentGrid[r-1][f-1] }

// ScoreRFM scores the summaries: recency by time since the last purchase
// (T − t_x, shorter is better), frequency by purchases (x + 1), monetary by
// the mean value of all purchases. Quintiles are by rank; equal values get
// the same score, the one of the first of them.
func ScoreRFM(ss []Summary) []RFM {
	n := len(ss)
	out := make([]RFM, n)
	if n == 0 {
		return out
	}
	score := func(value func(Summary) float64, set func(*RFM, int)) {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return value(ss[idx[a]]) < value(ss[idx[b]]) })
		first := 0
		for pos, i := range idx {
			if pos > 0 && value(ss[i]) != value(ss[idx[pos-1]]) {
				first = pos
			}
			set(&out[i], 1+first*5/n)
		}
	}
	score(func(s Summary) float64 { return -(s.T - s.Tx) }, func(r *RFM, v int) { r.R = v })
	score(func(s Summary) float64 { return float64(s.X) }, func(r *RFM, v int) { r.F = v })
	score(func(s Summary) float64 { return s.MeanAll }, func(r *RFM, v int) { r.M = v })
	for i := range out {
		out[i].Segment = Segment(out[i].R, out[i].F)
	}
	return out
}

// CLV is a customer's discounted expected margin over the next horizon
// time units: the expected purchases in each unit k (from the BG/NBD)
// times the expected spend (from the Gamma-Gamma) times the margin,
// discounted by (1 + discount)^k.
func CLV(bg BGNBD, gg GammaGamma, s Summary, horizon int, margin, discount float64) float64 {
	spend := gg.ExpectedSpend(s.X, s.MeanRepeat)
	total, prev := 0.0, 0.0
	factor := 1.0
	for k := 1; k <= horizon; k++ {
		cum := bg.ConditionalExpected(float64(k), s.X, s.Tx, s.T)
		factor *= 1 + discount
		total += (cum - prev) * spend * margin / factor
		prev = cum
	}
	return total
}
