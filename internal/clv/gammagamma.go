package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat"
)

// GammaGamma holds the parameters of the Gamma-Gamma spend model: the
// value of each purchase is Gamma(p, ν) and ν is Gamma(q, γ) across
// customers.
type GammaGamma struct {
	P, Q, Gamma float64
}

type ggTerm struct{ x, m float64 }

// ggData groups the customers with repeat purchases by x, so that the
// gamma functions are evaluated once per distinct x and each customer costs
// one logarithm per evaluation.
type ggData struct {
	terms      []ggTerm
	xs, counts []float64 // distinct x and how many customers have it
	sumXLnM    float64   // Σ x ln m
	sumLnM     float64   // Σ ln m
}

func newGGData(ss []Summary) *ggData {
	d := &ggData{}
	index := map[int]int{}
	for _, s := range ss {
		if s.X <= 0 || s.MeanRepeat <= 0 {
			continue
		}
		x := float64(s.X)
		d.terms = append(d.terms, ggTerm{x, s.MeanRepeat})
		i, ok := index[s.X]
		if !ok {
			i = len(d.xs)
			index[s.X] = i
			d.xs = append(d.xs, x)
			d.counts = append(d.counts, 0)
		}
		d.counts[i]++
		lnM := math.Log(s.MeanRepeat)
		d.sumXLnM += x * lnM
		d.sumLnM += lnM
	}
	return d
}

// logLik is Σ ln Γ(px+q)/(Γ(px)Γ(q)) γ^q m^(px−1) x^(px) / (γ+mx)^(px+q)
// over the customers with repeat purchases, with its gradient in (p, q, γ)
// when grad is not nil.
func (d *ggData) logLik(gg GammaGamma, grad []float64) float64 {
	p, q, g := gg.P, gg.Q, gg.Gamma
	lgQ, _ := math.Lgamma(q)
	psiQ := mathext.Digamma(q)
	lnG := math.Log(g)
	ll := p*d.sumXLnM - d.sumLnM
	dp, dq, dg := d.sumXLnM, 0.0, 0.0
	for i, x := range d.xs {
		n := d.counts[i]
		px := p * x
		lgPXQ, _ := math.Lgamma(px + q)
		lgPX, _ := math.Lgamma(px)
		lnX := math.Log(x)
		ll += n * (lgPXQ - lgPX - lgQ + q*lnG + px*lnX)
		if grad != nil {
			psiPXQ := mathext.Digamma(px + q)
			dp += n * x * (psiPXQ - mathext.Digamma(px) + lnX)
			dq += n * (psiPXQ - psiQ + lnG)
			dg += n * q / g
		}
	}
	for _, t := range d.terms {
		gmx := g + t.m*t.x
		lnGMX := math.Log(gmx)
		ll -= (p*t.x + q) * lnGMX
		if grad != nil {
			dp -= t.x * lnGMX
			dq -= lnGMX
			dg -= (p*t.x + q) / gmx
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = dp, dq, dg
	}
	return ll
}

// LogLikelihood is the Gamma-Gamma log-likelihood of the customers with
// repeat purchases.
func (gg GammaGamma) LogLikelihood(ss []Summary) float64 { return newGGData(ss).logLik(gg, nil) }

// ExpectedSpend is the expected value of a purchase of a customer with x
// repeat purchases of mean value m; with x = 0 it is the population mean.
func (gg GammaGamma) ExpectedSpend(x int, m float64) float64 {
	xf := float64(x)
	return (gg.Gamma + m*xf) * gg.P / (gg.P*xf + gg.Q - 1)
}

// FitGammaGamma fits the spend model to the customers with repeat purchases
// and reports how many there were and the correlation between their number
// of repeat purchases and mean spend (the model assumes none).
func FitGammaGamma(ss []Summary) (GammaGamma, Fit, int, float64) {
	d := newGGData(ss)
	terms := d.terms
	if len(terms) < 3 {
		return GammaGamma{}, Fit{}, len(terms), math.NaN()
	}
	xs, ms := make([]float64, len(terms)), make([]float64, len(terms))
	mean := 0.0
	for i, t := range terms {
		xs[i], ms[i] = t.x, t.m
		mean += t.m
	}
	mean /= float64(len(terms))
	corr := stat.Correlation(xs, ms, nil)
	starts := [][]float64{{1, 1, 1}, {5, 3, mean}, {2, 2, mean / 2}, {10, 5, 2 * mean}}
	f := maximize(func(p, g []float64) float64 {
		return d.logLik(GammaGamma{p[0], p[1], p[2]}, g)
	}, starts, float64(len(terms)))
	if f.Params == nil {
		return GammaGamma{}, f, len(terms), corr
	}
	return GammaGamma{f.Params[0], f.Params[1], f.Params[2]}, f, len(terms), corr
}
