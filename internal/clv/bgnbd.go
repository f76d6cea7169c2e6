package clv

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD holds the parameters of the BG/NBD model: purchase rates are
// Gamma(r, α) across customers, and the probability of dropping out after
// each purchase is Beta(a, b).
type BGNBD struct {
	R, Alpha, A, B float64
}

// bgTerm is one distinct (x, t_x, T) and how many customers share it.
type bgTerm struct {
	xi    int // index into bgData.xs
	x     float64
	tx, T float64
	n     float64
}

// bgData groups summaries so that the likelihood costs one term per distinct
// (x, t_x, T) and one gamma-function evaluation per distinct x.
type bgData struct {
	xs        []int
	weightByX []float64
	terms     []bgTerm
	customers float64
}

func newBGData(ss []Summary) *bgData {
	type key struct {
		x     int
		tx, T float64
	}
	counts := map[key]float64{}
	for _, s := range ss {
		counts[key{s.X, s.Tx, s.T}]++
	}
	keys := make([]key, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.x != b.x {
			return a.x < b.x
		}
		if a.tx != b.tx {
			return a.tx < b.tx
		}
		return a.T < b.T
	})
	d := &bgData{customers: float64(len(ss))}
	index := map[int]int{}
	for _, k := range keys {
		i, ok := index[k.x]
		if !ok {
			i = len(d.xs)
			index[k.x] = i
			d.xs = append(d.xs, k.x)
			d.weightByX = append(d.weightByX, 0)
		}
		n := counts[k]
		d.weightByX[i] += n
		d.terms = append(d.terms, bgTerm{xi: i, x: float64(k.x), tx: k.tx, T: k.T, n: n})
	}
	return d
}

// logLik returns the log-likelihood and, when grad is not nil, its gradient
// with respect to (r, α, a, b).
func (d *bgData) logLik(p BGNBD, grad []float64) float64 {
	r, alpha, a, b := p.R, p.Alpha, p.A, p.B
	var ll, dr, dAlpha, da, db float64
	lgR, _ := math.Lgamma(r)
	lgB, _ := math.Lgamma(b)
	lgAB, _ := math.Lgamma(a + b)
	psiR, psiB, psiAB := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	lnAlpha := math.Log(alpha)
	for i, xi := range d.xs {
		x := float64(xi)
		w := d.weightByX[i]
		lgRX, _ := math.Lgamma(r + x)
		lgBX, _ := math.Lgamma(b + x)
		lgABX, _ := math.Lgamma(a + b + x)
		ll += w * (lgRX - lgR + r*lnAlpha + lgAB + lgBX - lgB - lgABX)
		if grad != nil {
			psiABX := mathext.Digamma(a + b + x)
			dr += w * (mathext.Digamma(r+x) - psiR + lnAlpha)
			dAlpha += w * r / alpha
			da += w * (psiAB - psiABX)
			db += w * (psiAB + mathext.Digamma(b+x) - psiB - psiABX)
		}
	}
	lnA := math.Log(a)
	for _, t := range d.terms {
		rx := r + t.x
		lnAT := math.Log(alpha + t.T)
		u := -rx * lnAT
		if t.x == 0 {
			ll += t.n * u
			if grad != nil {
				dr -= t.n * lnAT
				dAlpha -= t.n * rx / (alpha + t.T)
			}
			continue
		}
		lnATx := math.Log(alpha + t.tx)
		v := lnA - math.Log(b+t.x-1) - rx*lnATx
		hi, lo := u, v
		if v > u {
			hi, lo = v, u
		}
		s := hi + math.Log1p(math.Exp(lo-hi))
		ll += t.n * s
		if grad != nil {
			w3 := math.Exp(u - s)
			w4 := 1 - w3
			dr -= t.n * (w3*lnAT + w4*lnATx)
			dAlpha -= t.n * rx * (w3/(alpha+t.T) + w4/(alpha+t.tx))
			da += t.n * w4 / a
			db -= t.n * w4 / (b + t.x - 1)
		}
	}
	if grad != nil {
		grad[0], grad[1], grad[2], grad[3] = dr, dAlpha, da, db
	}
	return ll
}

// LogLikelihood is the BG/NBD log-likelihood of the summaries.
func (p BGNBD) LogLikelihood(ss []Summary) float64 { return newBGData(ss).logLik(p, nil) }

// PAlive is the probability that a customer with history (x, t_x, T) is
// still active at T.
func (p BGNBD) PAlive(x int, tx, T float64) float64 {
	if x == 0 {
		return 1
	}
	xf := float64(x)
	return 1 / (1 + p.A/(p.B+xf-1)*math.Pow((p.Alpha+T)/(p.Alpha+tx), p.R+xf))
}

// ExpectedNew is the expected number of purchases of a new customer in (0, t].
func (p BGNBD) ExpectedNew(t float64) float64 {
	if t <= 0 {
		return 0
	}
	z := t / (p.Alpha + t)
	return (p.A + p.B - 1) / (p.A - 1) * (1 - math.Pow(p.Alpha/(p.Alpha+t), p.R)*mathext.Hypergeo(p.R, p.B, p.A+p.B-1, z))
}

// ConditionalExpected is the expected number of purchases in the next t of
// a customer with history (x, t_x, T).
func (p BGNBD) ConditionalExpected(t float64, x int, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	xf := float64(x)
	z := t / (p.Alpha + T + t)
	num := (p.A + p.B + xf - 1) / (p.A - 1) *
		(1 - math.Pow((p.Alpha+T)/(p.Alpha+T+t), p.R+xf)*mathext.Hypergeo(p.R+xf, p.B+xf, p.A+p.B+xf-1, z))
	den := 1.0
	if x > 0 {
		den += p.A / (p.B + xf - 1) * math.Pow((p.Alpha+T)/(p.Alpha+tx), p.R+xf)
	}
	return num / den
}

// PNumber is the probability that a new customer makes exactly n purchases
// in (0, t].
func (p BGNBD) PNumber(n int, t float64) float64 {
	lbeta := func(x, y float64) float64 {
		a, _ := math.Lgamma(x)
		b, _ := math.Lgamma(y)
		c, _ := math.Lgamma(x + y)
		return a + b - c
	}
	lgR, _ := math.Lgamma(p.R)
	term := func(j int) float64 { // Γ(r+j)/(Γ(r) j!) (α/(α+t))^r (t/(α+t))^j
		lg, _ := math.Lgamma(p.R + float64(j))
		lf, _ := math.Lgamma(float64(j) + 1)
		return math.Exp(lg - lgR - lf + p.R*math.Log(p.Alpha/(p.Alpha+t)) + float64(j)*math.Log(t/(p.Alpha+t)))
	}
	nf := float64(n)
	out := term(n) * math.Exp(lbeta(p.A, p.B+nf)-lbeta(p.A, p.B))
	if n > 0 {
		sum := 0.0
		for j := 0; j < n; j++ {
			sum += term(j)
		}
		out += math.Exp(lbeta(p.A+1, p.B+nf-1)-lbeta(p.A, p.B)) * (1 - sum)
	}
	return out
}
