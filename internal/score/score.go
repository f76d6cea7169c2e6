// Package score turns survey answers into the loyalty figures the results
// page, the account page and the API show: NPS with its standard error, CSAT,
// CES, the yes-rate of each yes/no question and the summary of each
// yardstick metric. It knows nothing of SQL or HTTP: the store hands it
// counts (or values), it hands back numbers.
package score

import (
	"math"
	"sort"
)

// NPS is the Net Promoter Score of a set of 0–10 answers.
//
// Each answer counts as +1 (promoter, 9–10), 0 (passive, 7–8) or −1
// (detractor, 0–6); the score is the mean of those values × 100, so it runs
// from −100 to +100. Its standard error is the standard error of that mean:
//
//	SE = sqrt((p_pro + p_det − (p_pro − p_det)²) / n) × 100
//
// which is the population variance of the +1/0/−1 values divided by n. With
// n = 0 there is no score (Score, SE are 0 and N is 0: callers show "no
// answers"); with n = 1 the SE is 0, as the formula gives, and callers show
// that one answer is not a trend.
type NPS struct {
	Score      float64 `json:"score" doc:"Promoters minus detractors as a share of all answers, in points from -100 to 100." example:"42.5"`
	SE         float64 `json:"se" doc:"Standard error of the score in NPS points: sqrt((p_pro + p_det - (p_pro - p_det)^2) / n) * 100." example:"7.1"`
	N          int     `json:"n" doc:"Number of 0-10 answers behind the score." example:"40"`
	Promoters  int     `json:"promoters" doc:"Answers of 9 or 10." example:"22"`
	Passives   int     `json:"passives" doc:"Answers of 7 or 8." example:"11"`
	Detractors int     `json:"detractors" doc:"Answers of 0 to 6." example:"5"`
}

// NPSBucket says which of the three groups a 0–10 answer falls in: 1 for a
// promoter, 0 for a passive, −1 for a detractor.
func NPSBucket(answer int) int {
	switch {
	case answer >= 9:
		return 1
	case answer >= 7:
		return 0
	default:
		return -1
	}
}

// NPSFromCounts computes the NPS and its standard error from the number of
// promoters, passives and detractors. Negative counts are treated as zero.
func NPSFromCounts(promoters, passives, detractors int) NPS {
	promoters, passives, detractors = max(promoters, 0), max(passives, 0), max(detractors, 0)
	n := promoters + passives + detractors
	out := NPS{N: n, Promoters: promoters, Passives: passives, Detractors: detractors}
	if n == 0 {
		return out
	}
	pp := float64(promoters) / float64(n)
	pd := float64(detractors) / float64(n)
	out.Score = (pp - pd) * 100
	v := pp + pd - (pp-pd)*(pp-pd)
	if v < 0 { // rounding when everyone is in one group
		v = 0
	}
	out.SE = math.Sqrt(v/float64(n)) * 100
	return out
}

// NPSFromDistribution computes the NPS from the number of answers of each
// value 0–10 (dist[i] is how many answered i; a shorter slice means the
// missing values had no answers).
func NPSFromDistribution(dist []int) NPS {
	var p, q, d int
	for v, c := range dist {
		if v > 10 {
			break
		}
		switch NPSBucket(v) {
		case 1:
			p += c
		case 0:
			q += c
		default:
			d += c
		}
	}
	return NPSFromCounts(p, q, d)
}

// Interval95 is the score ± 1.96 SE, clipped to −100…100.
func (n NPS) Interval95() (lo, hi float64) {
	return math.Max(-100, n.Score-1.96*n.SE), math.Min(100, n.Score+1.96*n.SE)
}

// Share is a share of answers meeting a condition (CSAT: 4 or 5 on 1–5; a
// yes-rate: "yes" among yes/no answers), with the count behind it.
type Share struct {
	Rate float64 `json:"rate" doc:"Share from 0 to 1; 0 when n is 0." example:"0.8"`
	Hits int     `json:"hits" doc:"Answers meeting the condition (4-5 for CSAT, yes for a yes/no question)." example:"32"`
	N    int     `json:"n" doc:"Answers behind the share." example:"40"`
}

// ShareOf builds a Share from hits out of n; hits is clipped to 0…n.
func ShareOf(hits, n int) Share {
	n = max(n, 0)
	hits = min(max(hits, 0), n)
	s := Share{Hits: hits, N: n}
	if n > 0 {
		s.Rate = float64(hits) / float64(n)
	}
	return s
}

// CSATFromDistribution gives the share of 4–5 among 1–5 answers; dist[i]
// is how many answered i (dist[0] is ignored).
func CSATFromDistribution(dist []int) Share {
	var hits, n int
	for v, c := range dist {
		if v < 1 || v > 5 {
			continue
		}
		n += c
		if v >= 4 {
			hits += c
		}
	}
	return ShareOf(hits, n)
}

// Mean is an average with the count behind it (CES on 1–7).
type Mean struct {
	Mean float64 `json:"mean" doc:"Average answer; 0 when n is 0." example:"2.4"`
	N    int     `json:"n" doc:"Answers behind the mean." example:"40"`
}

// MeanOf builds a Mean from a sum and a count.
func MeanOf(sum float64, n int) Mean {
	if n <= 0 {
		return Mean{}
	}
	return Mean{Mean: sum / float64(n), N: n}
}

// CESFromDistribution gives the mean of 1–7 answers; dist[i] is how many
// answered i (values outside 1–7 are ignored).
func CESFromDistribution(dist []int) Mean {
	var sum float64
	var n int
	for v, c := range dist {
		if v < 1 || v > 7 {
			continue
		}
		sum += float64(v * c)
		n += c
	}
	return MeanOf(sum, n)
}

// Yardstick summarises what customers said they expect for one metric
// (e.g. delivery_days): how many answered, the median and quartiles, and,
// when the company has an internal target for the metric, the share of
// customers the target satisfies.
//
// Yardstick metrics are "at most" figures (days until delivery, hours until a
// first response): a customer who expects 4 days is satisfied by a target of
// 3 or 4, not by 7. So WithinTarget is the share of answers that are at least
// the target: the customers whose expectation the internal target meets.
type Yardstick struct {
	Metric string  `json:"metric" doc:"The metric the question asks about." example:"delivery_days"`
	Unit   string  `json:"unit" doc:"The unit of the answers." example:"days"`
	N      int     `json:"n" doc:"Answers for the metric." example:"30"`
	Median float64 `json:"median" doc:"Median expectation." example:"3.5"`
	P25    float64 `json:"p25" doc:"25th percentile of the expectations (linear interpolation)." example:"3"`
	P75    float64 `json:"p75" doc:"75th percentile of the expectations (linear interpolation)." example:"4"`
	// Target is the internal target, when one is set; nil otherwise.
	Target *float64 `json:"target,omitempty" doc:"The company's internal target for the metric, when one is set." example:"7"`
	// WithinTarget is the share of customers whose expectation is at least
	// the target; nil without a target.
	WithinTarget *Share `json:"within_target,omitempty" doc:"Customers whose expectation the internal target meets (answer >= target); absent without a target."`
}

// YardstickOf summarises the values given for one metric. values need not be
// sorted; it is not changed. target may be nil.
func YardstickOf(metric, unit string, values []float64, target *float64) Yardstick {
	y := Yardstick{Metric: metric, Unit: unit, N: len(values), Target: target}
	if len(values) > 0 {
		s := append([]float64(nil), values...)
		sort.Float64s(s)
		y.Median = Quantile(s, 0.5)
		y.P25 = Quantile(s, 0.25)
		y.P75 = Quantile(s, 0.75)
	}
	if target != nil {
		hits := 0
		for _, v := range values {
			if v >= *target {
				hits++
			}
		}
		sh := ShareOf(hits, len(values))
		y.WithinTarget = &sh
	}
	return y
}

// Quantile is the q-th quantile (0 ≤ q ≤ 1) of sorted values by linear
// interpolation between closest ranks (the "type 7" definition spreadsheets
// use). It is 0 for no values.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	q = math.Min(math.Max(q, 0), 1)
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}
