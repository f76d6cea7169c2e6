package main

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"tandem/internal/clv"
)

// clvInput is what both clv commands read.
type clvInput struct {
	transactions, calibrationEnd, unit string
}

func (in *clvInput) flags(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&in.transactions, "transactions", "", "CSV with header customer_id,date,amount (required)")
	fs.StringVar(&in.calibrationEnd, "calibration-end", "", "last day of the calibration period, YYYY-MM-DD (default: the last day in the file)")
	fs.StringVar(&in.unit, "unit", "week", "time unit of the models: week or day")
}

func (in *clvInput) summaries() ([]clv.Summary, error) {
	if in.transactions == "" {
		return nil, usageError{"--transactions is required"}
	}
	unit, err := clv.ParseUnit(in.unit)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	var end time.Time
	if in.calibrationEnd != "" {
		if end, err = time.Parse("2006-01-02", in.calibrationEnd); err != nil {
			return nil, usageError{fmt.Sprintf("--calibration-end %q is not a date like 1997-09-30", in.calibrationEnd)}
		}
	}
	f, err := os.Open(in.transactions)
	if err != nil {
		return nil, usageError{fmt.Sprintf("cannot read %s: %v", in.transactions, errors.Unwrap(err))}
	}
	defer f.Close()
	txs, err := clv.ReadCSV(f)
	if err != nil {
		return nil, usageError{in.transactions + ": " + err.Error()}
	}
	if end.IsZero() {
		for _, t := range txs {
			if t.Date.After(end) {
				end = t.Date
			}
		}
	}
	ss := clv.Summarize(txs, end, unit)
	if len(ss) == 0 {
		return nil, usageError{"no customer made a first purchase by the calibration end"}
	}
	return ss, nil
}

type clvFitResult struct {
	Customers int `json:"customers"`
	BGNBD     struct {
		R             float64 `json:"r"`
		Alpha         float64 `json:"alpha"`
		A             float64 `json:"a"`
		B             float64 `json:"b"`
		LogLikelihood float64 `json:"log_likelihood"`
		Converged     bool    `json:"converged"`
		StdErrors     any     `json:"std_errors"`
	} `json:"bgnbd"`
	GammaGamma struct {
		P             float64 `json:"p"`
		Q             float64 `json:"q"`
		Gamma         float64 `json:"gamma"`
		LogLikelihood float64 `json:"log_likelihood"`
		Customers     int     `json:"customers"`
		Converged     bool    `json:"converged"`
		StdErrors     any     `json:"std_errors"`
		Correlation   float64 `json:"frequency_spend_correlation"`
	} `json:"gamma_gamma"`
}

func stdErrs(f clv.Fit, names ...string) any {
	m := map[string]any{}
	for i, n := range names {
		if i < len(f.StdErrors) && !isNaN(f.StdErrors[i]) {
			m[n] = f.StdErrors[i]
		} else {
			m[n] = nil
		}
	}
	return m
}

func isNaN(v float64) bool { return v != v }

func fitModels(ss []clv.Summary) (clv.BGNBD, clv.GammaGamma, clvFitResult) {
	var out clvFitResult
	out.Customers = len(ss)
	bg, bf := clv.FitBGNBD(ss)
	out.BGNBD.R, out.BGNBD.Alpha, out.BGNBD.A, out.BGNBD.B = bg.R, bg.Alpha, bg.A, bg.B
	out.BGNBD.LogLikelihood, out.BGNBD.Converged = bf.LogLikelihood, bf.Converged
	out.BGNBD.StdErrors = stdErrs(bf, "r", "alpha", "a", "b")
	gg, gf, n, corr := clv.FitGammaGamma(ss)
	out.GammaGamma.P, out.GammaGamma.Q, out.GammaGamma.Gamma = gg.P, gg.Q, gg.Gamma
	out.GammaGamma.LogLikelihood, out.GammaGamma.Customers, out.GammaGamma.Converged = gf.LogLikelihood, n, gf.Converged
	out.GammaGamma.StdErrors = stdErrs(gf, "p", "q", "gamma")
	if !isNaN(corr) {
		out.GammaGamma.Correlation = corr
	}
	return bg, gg, out
}

func clvFit(args []string, stdout io.Writer) error {
	fs := newFlagSet("clv fit", stdout)
	var in clvInput
	in.flags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	ss, err := in.summaries()
	if err != nil {
		return err
	}
	_, _, res := fitModels(ss)
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return err
	}
	if !res.BGNBD.Converged || !res.GammaGamma.Converged {
		return errors.New("the fit did not converge; the numbers above are not maximum-likelihood estimates")
	}
	return nil
}

func clvPredict(args []string, stdout io.Writer) error {
	fs := newFlagSet("clv predict", stdout)
	var in clvInput
	in.flags(fs)
	horizon := fs.Int("horizon", 0, "how many time units ahead to predict (required)")
	margin := fs.Float64("margin", 0.3, "profit margin on revenue, 0–1")
	discount := fs.Float64("discount", 0.01, "discount rate per time unit")
	out := fs.String("out", "", "write the CSV here instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *horizon <= 0 {
		return usageError{"--horizon must be a positive number of time units"}
	}
	if *margin < 0 || *margin > 1 || *discount < 0 {
		return usageError{"--margin must be between 0 and 1 and --discount not negative"}
	}
	ss, err := in.summaries()
	if err != nil {
		return err
	}
	bg, gg, res := fitModels(ss)
	if !res.BGNBD.Converged || !res.GammaGamma.Converged {
		return errors.New("the models did not converge on these transactions; no predictions written")
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	rfm := clv.ScoreRFM(ss)
	cw := csv.NewWriter(w)
	cw.Write([]string{"customer_id", "x", "t_x", "T", "p_alive", "expected_purchases", "expected_spend", "clv", "rfm_segment"})
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }
	h := float64(*horizon)
	for i, s := range ss {
		cw.Write([]string{s.CustomerID, strconv.Itoa(s.X), num(s.Tx), num(s.T), num(bg.PAlive(s.X, s.Tx, s.T)),
			num(bg.ConditionalExpected(h, s.X, s.Tx, s.T)), num(gg.ExpectedSpend(s.X, s.MeanRepeat)),
			num(clv.CLV(bg, gg, s, *horizon, *margin, *discount)), rfm[i].Segment})
	}
	cw.Flush()
	return cw.Error()
}
