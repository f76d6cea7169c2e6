package clv

import (
	"math"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// logLikFunc returns the log-likelihood at natural-scale parameters and
// fills grad (same scale) when it is not nil.
type logLikFunc func(params, grad []float64) float64

// Fit is the result of a maximum-likelihood fit.
type Fit struct {
	Params        []float64
	StdErrors     []float64 // from the inverse of the observed information; NaN when it is singular
	LogLikelihood float64
	Converged     bool
	Iterations    int
}

// maximize finds the maximum-likelihood parameters, all positive, from
// several starting points: it works on the log scale with BFGS and the
// analytic gradient, scaled by the number of customers n.
func maximize(ll logLikFunc, starts [][]float64, n float64) Fit {
	k := len(starts[0])
	toNatural := func(theta []float64) []float64 {
		p := make([]float64, k)
		for i, t := range theta {
			p[i] = math.Exp(t)
		}
		return p
	}
	grad := make([]float64, k)
	prob := optimize.Problem{
		Func: func(theta []float64) float64 {
			v := ll(toNatural(theta), nil)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return math.Inf(1)
			}
			return -v / n
		},
		Grad: func(g, theta []float64) {
			p := toNatural(theta)
			ll(p, grad)
			for i := range g {
				g[i] = -grad[i] * p[i] / n
			}
		},
	}
	best := Fit{LogLikelihood: math.Inf(-1)}
	for _, start := range starts {
		theta0 := make([]float64, k)
		for i, s := range start {
			theta0[i] = math.Log(s)
		}
		// A line search that fails next to the optimum (the objective is flat
		// to machine precision there) still ends at a maximum; convergence is
		// judged by the gradient below, not by how the search stopped.
		res, _ := optimize.Minimize(prob, theta0, &optimize.Settings{GradientThreshold: 1e-9, MajorIterations: 500}, &optimize.BFGS{})
		if res == nil {
			continue
		}
		p := toNatural(res.X)
		v := ll(p, grad)
		gnorm := 0.0
		for i := range grad {
			gnorm = math.Max(gnorm, math.Abs(grad[i]*p[i]/n))
		}
		converged := gnorm < 1e-5 && !math.IsNaN(v) && !math.IsInf(v, 0)
		if (converged && !best.Converged) || (converged == best.Converged && v > best.LogLikelihood) {
			best = Fit{Params: p, LogLikelihood: v, Converged: converged, Iterations: res.Stats.MajorIterations}
		}
	}
	if best.Params != nil {
		best.StdErrors = stdErrors(ll, best.Params)
		// A maximum on the edge of the parameter space (a rate run off to 0
		// or infinity) or a flat direction (a parameter the data cannot
		// identify) is no estimate, however small the gradient there.
		for i, p := range best.Params {
			se := best.StdErrors[i]
			if p < 1e-4 || p > 1e5 || math.IsNaN(se) || se <= 0 || math.IsInf(se, 0) {
				best.Converged = false
			}
		}
	}
	return best
}

// stdErrors are the square roots of the diagonal of the inverse observed
// information, the Hessian of -ll taken by differencing the analytic gradient.
func stdErrors(ll logLikFunc, p []float64) []float64 {
	k := len(p)
	h := mat.NewDense(k, k, nil)
	fd.Jacobian(h, func(y, x []float64) {
		ll(x, y)
		for i := range y {
			y[i] = -y[i]
		}
	}, p, &fd.JacobianSettings{Formula: fd.Central})
	sym := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			sym.SetSym(i, j, (h.At(i, j)+h.At(j, i))/2)
		}
	}
	out := make([]float64, k)
	var inv mat.Dense
	if err := inv.Inverse(sym); err != nil {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	for i := range k {
		out[i] = math.Sqrt(inv.At(i, i))
	}
	return out
}

// FitBGNBD fits the BG/NBD model to the summaries by maximum likelihood.
func FitBGNBD(ss []Summary) (BGNBD, Fit) {
	d := newBGData(ss)
	meanT := 0.0
	for _, s := range ss {
		meanT += s.T
	}
	meanT /= math.Max(1, float64(len(ss)))
	starts := [][]float64{{1, 1, 1, 1}, {0.5, meanT / 4, 0.5, 2}, {2, meanT, 2, 5}, {0.2, 5, 0.8, 2.5}}
	f := maximize(func(p, g []float64) float64 {
		return d.logLik(BGNBD{p[0], p[1], p[2], p[3]}, g)
	}, starts, math.Max(1, d.customers))
	if f.Params == nil {
		return BGNBD{}, f
	}
	return BGNBD{f.Params[0], f.Params[1], f.Params[2], f.Params[3]}, f
}
