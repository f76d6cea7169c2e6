package clv

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkFitMillion fits the BG/NBD and Gamma-Gamma models to 1,000,000
// customers simulated from the CDNOW estimates, with daily purchase times
// in weeks, as real logs give.
func BenchmarkFitMillion(b *testing.B) {
	rng := rand.New(rand.NewPCG(42, 42))
	truth := BGNBD{0.243, 4.414, 0.793, 2.426}
	ss := simulateBGNBD(rng, truth, 1_000_000, 7)
	spend := GammaGamma{6.25, 3.74, 15.44}
	for i := range ss {
		if ss[i].X > 0 {
			nu := gammaRand(rng, spend.Q) / spend.Gamma
			sum := 0.0
			for range ss[i].X {
				sum += gammaRand(rng, spend.P) / nu
			}
			ss[i].MeanRepeat = sum / float64(ss[i].X)
		}
	}
	b.ReportMetric(float64(len(newBGData(ss).terms)), "distinct_summaries")
	b.ResetTimer()
	for b.Loop() {
		bg, fit := FitBGNBD(ss)
		gg, gfit, _, _ := FitGammaGamma(ss)
		if !fit.Converged || !gfit.Converged {
			b.Fatal("did not converge")
		}
		b.Logf("BG/NBD r=%.4f±%.4f α=%.3f±%.3f a=%.4f±%.4f b=%.4f±%.4f; Gamma-Gamma p=%.3f±%.3f q=%.3f±%.3f γ=%.2f±%.2f",
			bg.R, fit.StdErrors[0], bg.Alpha, fit.StdErrors[1], bg.A, fit.StdErrors[2], bg.B, fit.StdErrors[3],
			gg.P, gfit.StdErrors[0], gg.Q, gfit.StdErrors[1], gg.Gamma, gfit.StdErrors[2])
	}
}
