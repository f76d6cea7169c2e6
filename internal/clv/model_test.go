package clv

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// simulateBGNBD draws customers from the BG/NBD with the given parameters,
// observed for T between 30 and 40 units, with times rounded to days (as
// real purchase logs are) so that many customers share a summary.
func simulateBGNBD(rng *rand.Rand, p BGNBD, n int, perUnit float64) []Summary {
	out := make([]Summary, n)
	gamma := func(shape, rate float64) float64 { return gammaRand(rng, shape) / rate }
	for i := range out {
		lambda := gamma(p.R, p.Alpha)
		x1, x2 := gammaRand(rng, p.A), gammaRand(rng, p.B)
		drop := x1 / (x1 + x2)
		T := math.Round((30+10*rng.Float64())*perUnit) / perUnit
		x, tx, t := 0, 0.0, 0.0
		for {
			t += rng.ExpFloat64() / lambda
			if t > T {
				break
			}
			x++
			tx = math.Min(T, math.Round(t*perUnit)/perUnit)
			if rng.Float64() < drop {
				break
			}
		}
		out[i] = Summary{X: x, Tx: tx, T: T}
	}
	return out
}

// gammaRand draws Gamma(shape, 1) (Marsaglia and Tsang).
func gammaRand(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaRand(rng, shape+1) * math.Pow(rng.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

func TestBGNBDRecoversSimulatedParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, truth := range []BGNBD{{0.243, 4.414, 0.793, 2.426}, {1.5, 10, 0.4, 3}, {0.6, 2, 2, 6}} {
		ss := simulateBGNBD(rng, truth, 20000, 7)
		got, fit := FitBGNBD(ss)
		if !fit.Converged {
			t.Fatalf("%+v: did not converge", truth)
		}
		want := []float64{truth.R, truth.Alpha, truth.A, truth.B}
		for i, v := range []float64{got.R, got.Alpha, got.A, got.B} {
			if se := fit.StdErrors[i]; math.IsNaN(se) || math.Abs(v-want[i]) > 3*se {
				t.Errorf("%+v: parameter %d = %.4f ± %.4f, outside three standard errors", truth, i, v, se)
			}
		}
	}
}

func TestGammaGammaRecoversSimulatedParameters(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, truth := range []GammaGamma{{6.25, 3.74, 15.44}, {2, 5, 40}} {
		ss := make([]Summary, 20000)
		for i := range ss {
			x := 1 + rng.IntN(8)
			nu := gammaRand(rng, truth.Q) / truth.Gamma
			sum := 0.0
			for range x {
				sum += gammaRand(rng, truth.P) / nu
			}
			ss[i] = Summary{X: x, MeanRepeat: sum / float64(x)}
		}
		got, fit, _, _ := FitGammaGamma(ss)
		if !fit.Converged {
			t.Fatalf("%+v: did not converge", truth)
		}
		want := []float64{truth.P, truth.Q, truth.Gamma}
		for i, v := range []float64{got.P, got.Q, got.Gamma} {
			if se := fit.StdErrors[i]; math.IsNaN(se) || math.Abs(v-want[i]) > 3*se {
				t.Errorf("%+v: parameter %d = %.4f ± %.4f, outside three standard errors", truth, i, v, se)
			}
		}
	}
}

func TestGradientsMatchFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	ss := simulateBGNBD(rng, BGNBD{0.5, 3, 0.7, 2}, 500, 7)
	d := newBGData(ss)
	p := []float64{0.7, 4, 0.9, 2.2}
	grad := make([]float64, 4)
	d.logLik(BGNBD{p[0], p[1], p[2], p[3]}, grad)
	for i := range p {
		h := 1e-6 * p[i]
		up, down := append([]float64{}, p...), append([]float64{}, p...)
		up[i] += h
		down[i] -= h
		num := (d.logLik(BGNBD{up[0], up[1], up[2], up[3]}, nil) - d.logLik(BGNBD{down[0], down[1], down[2], down[3]}, nil)) / (2 * h)
		if math.Abs(num-grad[i]) > 1e-4*math.Max(1, math.Abs(num)) {
			t.Errorf("BG/NBD d/dparam%d: analytic %.6f, finite differences %.6f", i, grad[i], num)
		}
	}
	for i := range ss {
		ss[i].MeanRepeat = 10 + float64(i%17)
	}
	gd := newGGData(ss)
	q := []float64{3, 2.5, 12}
	g := make([]float64, 3)
	gd.logLik(GammaGamma{q[0], q[1], q[2]}, g)
	for i := range q {
		h := 1e-6 * q[i]
		up, down := append([]float64{}, q...), append([]float64{}, q...)
		up[i] += h
		down[i] -= h
		num := (gd.logLik(GammaGamma{up[0], up[1], up[2]}, nil) - gd.logLik(GammaGamma{down[0], down[1], down[2]}, nil)) / (2 * h)
		if math.Abs(num-g[i]) > 1e-4*math.Max(1, math.Abs(num)) {
			t.Errorf("Gamma-Gamma d/dparam%d: analytic %.6f, finite differences %.6f", i, g[i], num)
		}
	}
}

// TestLikelihoodAgainstDirectEvaluation integrates the BG/NBD likelihood of
// a few customers over λ and p numerically and compares it with the closed form.
func TestLikelihoodAgainstDirectEvaluation(t *testing.T) {
	p := BGNBD{0.8, 3, 1.2, 2.5}
	for _, s := range []Summary{{X: 0, T: 10}, {X: 1, Tx: 2, T: 10}, {X: 3, Tx: 7.5, T: 12}} {
		closed := math.Exp(p.LogLikelihood([]Summary{s}))
		// L(λ, p | x, t_x, T) = (1-p)^x λ^x e^{-λT} + δ_{x>0} p (1-p)^{x-1} λ^x e^{-λ t_x}
		lgR, _ := math.Lgamma(p.R)
		lgA, _ := math.Lgamma(p.A)
		lgB, _ := math.Lgamma(p.B)
		lgAB, _ := math.Lgamma(p.A + p.B)
		direct := 0.0
		const nl, np = 4000, 800
		for i := range nl {
			// λ on (0, 20] with a change of variable that puts points near zero.
			u := (float64(i) + 0.5) / nl
			lambda := 20 * u * u
			dl := 20 * 2 * u / nl
			gl := math.Exp(p.R*math.Log(p.Alpha) + (p.R-1)*math.Log(lambda) - p.Alpha*lambda - lgR)
			for j := range np {
				q := (float64(j) + 0.5) / np
				bq := math.Exp((p.A-1)*math.Log(q) + (p.B-1)*math.Log(1-q) + lgAB - lgA - lgB)
				x := float64(s.X)
				l := math.Pow(1-q, x) * math.Pow(lambda, x) * math.Exp(-lambda*s.T)
				if s.X > 0 {
					l += q * math.Pow(1-q, x-1) * math.Pow(lambda, x) * math.Exp(-lambda*s.Tx)
				}
				direct += l * gl * bq * dl / np
			}
		}
		if math.Abs(direct-closed)/closed > 2e-3 {
			t.Errorf("%+v: closed form %.6g, direct integration %.6g", s, closed, direct)
		}
	}
}

func TestPredictionsAreConsistent(t *testing.T) {
	p := BGNBD{0.243, 4.414, 0.793, 2.426}
	for _, tt := range []float64{1, 10, 39, 78} {
		sum, mean := 0.0, 0.0
		for n := range 400 {
			pn := p.PNumber(n, tt)
			sum += pn
			mean += float64(n) * pn
		}
		if math.Abs(sum-1) > 1e-6 || math.Abs(mean-p.ExpectedNew(tt)) > 1e-4 {
			t.Errorf("t=%v: ΣP(n)=%.8f, ΣnP(n)=%.6f, E[X(t)]=%.6f", tt, sum, mean, p.ExpectedNew(tt))
		}
		// A customer just acquired (x=0, T=0) expects what a new customer does.
		if c := p.ConditionalExpected(tt, 0, 0, 0); math.Abs(c-p.ExpectedNew(tt)) > 1e-9 {
			t.Errorf("t=%v: conditional %.9f, new %.9f", tt, c, p.ExpectedNew(tt))
		}
	}
	if pa := p.PAlive(0, 0, 30); pa != 1 {
		t.Errorf("a customer without repeat purchases is alive by the model: %v", pa)
	}
	if a, b := p.PAlive(5, 30, 38), p.PAlive(5, 10, 38); a <= b {
		t.Errorf("a recent buyer is more likely alive: %v vs %v", a, b)
	}
	gg := GammaGamma{6.25, 3.74, 15.44}
	if pop := gg.ExpectedSpend(0, 0); math.Abs(pop-gg.P*gg.Gamma/(gg.Q-1)) > 1e-9 {
		t.Errorf("population mean spend %v", pop)
	}
	s := Summary{X: 4, Tx: 30, T: 38, MeanRepeat: 40}
	v0 := CLV(p, gg, s, 52, 0.3, 0)
	v1 := CLV(p, gg, s, 52, 0.3, 0.01)
	want := p.ConditionalExpected(52, 4, 30, 38) * gg.ExpectedSpend(4, 40) * 0.3
	if math.Abs(v0-want) > 1e-9 || v1 >= v0 {
		t.Errorf("CLV undiscounted %.4f (want %.4f), discounted %.4f", v0, want, v1)
	}
}

func TestRFMSegments(t *testing.T) {
	var ss []Summary
	for i := range 100 {
		ss = append(ss, Summary{X: i % 10, Tx: float64(i % 20), T: 40, MeanAll: float64(i)})
	}
	scores := ScoreRFM(ss)
	for i, r := range scores {
		if r.R < 1 || r.R > 5 || r.F < 1 || r.F > 5 || r.M < 1 || r.M > 5 || r.Segment == "" {
			t.Fatalf("customer %d: %+v", i, r)
		}
	}
	if scores[99].M != 5 || scores[0].M != 1 {
		t.Errorf("monetary quintiles: %+v %+v", scores[0], scores[99])
	}
	// Equal values share a score.
	if scores[0].F != scores[10].F {
		t.Errorf("ties: %+v %+v", scores[0], scores[10])
	}
	if Segment(5, 5) != "champions" || Segment(1, 1) != "lost" || Segment(1, 5) != "can't lose" || Segment(5, 1) != "new" {
		t.Error("segment grid")
	}
}

func TestReadCSVErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "line 1: the file is empty",
		"customer_id,amount\n1,2\n": "line 1, column date: missing column",
		"customer_id,date,amount\n": "line 2: no transactions",
		"customer_id,date,amount\n1,1997-13-01,5\n":                  "line 2, column date",
		"customer_id,date,amount\n1,1997-01-01,5\n2,1997-01-02,-3\n": "line 3, column amount: negative amount",
		"customer_id,date,amount\n1,1997-01-01,abc\n":                "line 2, column amount",
	} {
		_, err := ReadCSV(strings.NewReader(in))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: want %q, got %v", in, want, err)
		}
	}
	txs, err := ReadCSV(strings.NewReader("date,extra,amount,customer_id\n19970101,x,29.33,7\n1997-01-18,y,1,7\n"))
	if err != nil || len(txs) != 2 || txs[0].CustomerID != "7" || !txs[1].Date.Equal(time.Date(1997, 1, 18, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("columns in any order: %v %+v", err, txs)
	}
}

func TestFitWithoutAMaximumSaysSo(t *testing.T) {
	var ss []Summary
	for i := range 500 {
		ss = append(ss, Summary{X: 0, T: float64(30 + i%10)}) // nobody came back: a and b cannot be estimated
	}
	if _, fit := FitBGNBD(ss); fit.Converged {
		t.Fatalf("a fit without repeat purchases claims to have converged: %+v", fit)
	}
	if _, fit, n, _ := FitGammaGamma(ss); fit.Converged || n != 0 {
		t.Fatalf("a spend model without repeat purchases claims to have converged: %+v", fit)
	}
}
