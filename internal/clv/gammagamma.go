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

func ggTerms(ss []Summary) []ggTerm {
	var out []ggTerm
	for _, s := range ss {
		if s.X > 0 && s.MeanRepeat > 0 {
			out = append(out, ggTerm{float64(s.X), s.MeanRepeat})
		}
	}
	return out
}

func ggLogLik(terms []ggTerm, gg GammaGamma, grad []float64) float64 {
	p, q, g := gg.P, gg.Q, gg.Gamma
	lgQ, _ := math.Lgamma(q)
	psiQ := mathext.Digamma(q)
	lnG := math.Log(g)
	var ll, dp, dq, dg float64
	for _, t := range terms {
		px := p * t.x
		lgPXQ, _ := math.Lgamma(px + q)
		lgPX, _ := math.Lgamma(px)
		lnGMX := math.Log(g + t.m*t.x)
		ll += lgPXQ - lgPX - lgQ + q*lnG + (px-1)*math.Log(t.m) + px*math.Log(t.x) - (px+q)*lnGMX
		if grad != nil {
			psiPXQ := mathext.Digamma(px + q)
			dp += t.x * (psiPXQ - mathext.Digamma(px) + math.Log(t.m) + math.Log(t.x) - lnGMX)
			dq += psiPXQ - psiQ + lnG - lnGMX
			dg += q/g - (px+q)/(g+t.m*t.x)
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2] = dp, dq, dg
	}
	return ll
}

// LogLikelihood is the Gamma-Gamma log-likelihood of the customers with
// repeat purchases.
func (gg GammaGamma) LogLikelihood(ss []Summary) float64 { return ggLogLik(ggTerms(ss), gg, nil) }

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
	terms := ggTerms(ss)
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
		return ggLogLik(terms, GammaGamma{p[0], p[1], p[2]}, g)
	}, starts, float64(len(terms)))
	if f.Params == nil {
		return GammaGamma{}, f, len(terms), corr
	}
	return GammaGamma{f.Params[0], f.Params[1], f.Params[2]}, f, len(terms), corr
}
