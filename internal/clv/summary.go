// Package clv holds the lifetime-value models on customer purchase
// histories: RFM scores, the BG/NBD repeat-purchase model (Fader, Hardie &
// Lee 2005, "Counting your customers the easy way") and the Gamma-Gamma
// spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; after Colombo &
// Jiang 1999), fitted by maximum likelihood. Pure math: no database, no HTTP.
package clv

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Transaction is one purchase.
type Transaction struct {
	CustomerID string
	Date       time.Time // a calendar day, UTC
	Amount     float64
}

// Unit is the length of one time unit of the models.
type Unit time.Duration

const (
	Day  = Unit(24 * time.Hour)
	Week = Unit(7 * 24 * time.Hour)
)

// ParseUnit reads "week" or "day".
func ParseUnit(s string) (Unit, error) {
	switch s {
	case "week", "weeks":
		return Week, nil
	case "day", "days":
		return Day, nil
	}
	return 0, fmt.Errorf("unknown unit %q: use week or day", s)
}

func (u Unit) between(from, to time.Time) float64 {
	return float64(to.Sub(from)) / float64(u)
}

// Summary is one customer's purchase history as the models see it.
type Summary struct {
	CustomerID string
	X          int     // repeat purchases (days with purchases after the first) up to the calibration end
	Tx         float64 // time of the last of them since the first purchase; 0 when X is 0
	T          float64 // time from the first purchase to the calibration end
	MeanRepeat float64 // mean value of the repeat purchases; 0 when X is 0
	MeanAll    float64 // mean value of all purchases in the calibration period
	Holdout    int     // purchase days after the calibration end
	First      time.Time
	Last       time.Time // last purchase day in the calibration period
}

// Summarize turns a transaction log into one summary per customer, in the
// order of the customers' ids. Purchases on the same day are one purchase;
// time zero is each customer's first purchase; purchases after calibrationEnd
// count towards Holdout. Customers whose first purchase is after
// calibrationEnd are left out.
func Summarize(txs []Transaction, calibrationEnd time.Time, unit Unit) []Summary {
	type day struct {
		date   time.Time
		amount float64
	}
	byCustomer := map[string]map[time.Time]float64{}
	for _, t := range txs {
		d := time.Date(t.Date.Year(), t.Date.Month(), t.Date.Day(), 0, 0, 0, 0, time.UTC)
		m := byCustomer[t.CustomerID]
		if m == nil {
			m = map[time.Time]float64{}
			byCustomer[t.CustomerID] = m
		}
		m[d] += t.Amount
	}
	ids := make([]string, 0, len(byCustomer))
	for id := range byCustomer {
		ids = append(ids, id)
	}
	sortIDs(ids)
	end := time.Date(calibrationEnd.Year(), calibrationEnd.Month(), calibrationEnd.Day(), 0, 0, 0, 0, time.UTC)
	out := make([]Summary, 0, len(ids))
	for _, id := range ids {
		days := make([]day, 0, len(byCustomer[id]))
		for d, a := range byCustomer[id] {
			days = append(days, day{d, a})
		}
		sort.Slice(days, func(i, j int) bool { return days[i].date.Before(days[j].date) })
		first := days[0].date
		if first.After(end) {
			continue
		}
		s := Summary{CustomerID: id, First: first, Last: first, T: unit.between(first, end)}
		var repeat, all float64
		n := 0
		for i, d := range days {
			if d.date.After(end) {
				s.Holdout++
				continue
			}
			n++
			all += d.amount
			if i > 0 {
				s.X++
				repeat += d.amount
				s.Last = d.date
			}
		}
		s.Tx = unit.between(first, s.Last)
		if s.X > 0 {
			s.MeanRepeat = repeat / float64(s.X)
		}
		s.MeanAll = all / float64(n)
		out = append(out, s)
	}
	return out
}

// sortIDs sorts numerically when every id is a number, else as text.
func sortIDs(ids []string) {
	numeric := true
	for _, id := range ids {
		if _, err := strconv.ParseInt(id, 10, 64); err != nil {
			numeric = false
			break
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		if numeric {
			a, _ := strconv.ParseInt(ids[i], 10, 64)
			b, _ := strconv.ParseInt(ids[j], 10, 64)
			return a < b
		}
		return ids[i] < ids[j]
	})
}

// InputError names the line and column of bad input.
type InputError struct {
	Line   int
	Column string
	Msg    string
}

func (e *InputError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d, column %s: %s", e.Line, e.Column, e.Msg)
}

// ReadCSV reads transactions from a CSV with a header naming customer_id,
// date (YYYY-MM-DD or YYYYMMDD) and amount; other columns are ignored.
func ReadCSV(r io.Reader) ([]Transaction, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &InputError{Line: 1, Msg: "the file is empty; expected a header customer_id,date,amount"}
	}
	if err != nil {
		return nil, &InputError{Line: 1, Msg: err.Error()}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, want := range []string{"customer_id", "date", "amount"} {
		if _, ok := col[want]; !ok {
			return nil, &InputError{Line: 1, Column: want, Msg: "missing column; the header must name customer_id, date and amount"}
		}
	}
	var out []Transaction
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, &InputError{Line: line, Msg: err.Error()}
		}
		get := func(name string) (string, error) {
			i := col[name]
			if i >= len(rec) {
				return "", &InputError{Line: line, Column: name, Msg: "missing value"}
			}
			return strings.TrimSpace(rec[i]), nil
		}
		id, err := get("customer_id")
		if err != nil {
			return nil, err
		}
		if id == "" {
			return nil, &InputError{Line: line, Column: "customer_id", Msg: "empty customer id"}
		}
		ds, err := get("date")
		if err != nil {
			return nil, err
		}
		d, derr := time.Parse("2006-01-02", ds)
		if derr != nil {
			d, derr = time.Parse("20060102", ds)
		}
		if derr != nil {
			return nil, &InputError{Line: line, Column: "date", Msg: fmt.Sprintf("%q is not a date like 2026-03-02", ds)}
		}
		as, err := get("amount")
		if err != nil {
			return nil, err
		}
		amount, aerr := strconv.ParseFloat(as, 64)
		if aerr != nil || math.IsNaN(amount) || math.IsInf(amount, 0) {
			return nil, &InputError{Line: line, Column: "amount", Msg: fmt.Sprintf("%q is not a number", as)}
		}
		if amount < 0 {
			return nil, &InputError{Line: line, Column: "amount", Msg: "negative amount; record returns as their own adjustments"}
		}
		out = append(out, Transaction{CustomerID: id, Date: d, Amount: amount})
	}
	if len(out) == 0 {
		return nil, &InputError{Line: 2, Msg: "no transactions after the header"}
	}
	return out, nil
}
