// Package money holds amounts of money: integer minor units and an ISO 4217
// currency, validated against a fixed list, parsed from and written as
// people type and read them ("1,200.00", "€1,200.00").
package money

import (
	"fmt"
	"strconv"
	"strings"

	"tandem/internal/fault"
)

// Money is an amount in a currency's minor units (cents), never a float.
// Every amount of the API has this shape ({"amount_minor", "currency"}).
type Money struct {
	Minor    int64  `json:"amount_minor" minimum:"0" example:"120000" doc:"In the currency's minor units (cents): 120000 is 1,200.00"`
	Currency string `json:"currency" enum:"AED,ARS,AUD,BGN,BHD,BRL,CAD,CHF,CLP,CNY,COP,CZK,DKK,EGP,EUR,GBP,HKD,HUF,IDR,ILS,INR,ISK,JPY,KRW,KWD,MXN,MYR,NGN,NOK,NZD,PHP,PLN,RON,SAR,SEK,SGD,THB,TRY,TWD,UAH,USD,ZAR" example:"EUR" doc:"ISO 4217 code, one of the currencies Tandem knows"`
}

// currency is what Tandem knows of an ISO 4217 currency: its digits after
// the decimal point and the symbol people write before the amount.
type currency struct {
	digits int
	symbol string
}

// Currencies are the ISO 4217 currencies Tandem accepts.
var Currencies = map[string]currency{
	"EUR": {2, "€"}, "USD": {2, "$"}, "GBP": {2, "£"}, "CHF": {2, "CHF "}, "JPY": {0, "¥"}, "CNY": {2, "CN¥"},
	"CAD": {2, "CA$"}, "AUD": {2, "A$"}, "NZD": {2, "NZ$"}, "SEK": {2, "SEK "}, "NOK": {2, "NOK "}, "DKK": {2, "DKK "},
	"PLN": {2, "PLN "}, "CZK": {2, "CZK "}, "HUF": {2, "HUF "}, "RON": {2, "RON "}, "BGN": {2, "BGN "}, "ISK": {0, "ISK "},
	"TRY": {2, "TRY "}, "INR": {2, "₹"}, "BRL": {2, "R$"}, "MXN": {2, "MX$"}, "ZAR": {2, "ZAR "}, "SGD": {2, "SGD "},
	"HKD": {2, "HK$"}, "KRW": {0, "₩"}, "ILS": {2, "₪"}, "AED": {2, "AED "}, "SAR": {2, "SAR "}, "KWD": {3, "KWD "},
	"BHD": {3, "BHD "}, "TWD": {2, "NT$"}, "THB": {2, "THB "}, "MYR": {2, "MYR "}, "IDR": {2, "IDR "}, "PHP": {2, "₱"},
	"CLP": {0, "CLP "}, "COP": {2, "COP "}, "ARS": {2, "ARS "}, "UAH": {2, "UAH "}, "EGP": {2, "EGP "}, "NGN": {2, "NGN "},
}

// KnownCurrency reports whether code is an ISO 4217 currency Tandem accepts.
func KnownCurrency(code string) bool { _, ok := Currencies[code]; return ok }

// Validate reports what is wrong with an amount, under the field name.
func (m Money) Validate(field string, f *fault.Fields) {
	if m.Minor < 0 {
		f.Add(field+".amount_minor", "an amount cannot be negative")
	}
	if !KnownCurrency(m.Currency) {
		f.Add(field+".currency", fmt.Sprintf("%q is not an ISO 4217 currency code Tandem knows, such as EUR, USD or GBP", m.Currency))
	}
}

// String writes the amount as people read it: €1,200.00, ¥5,000.
func (m Money) String() string {
	c, ok := Currencies[m.Currency]
	if !ok {
		return fmt.Sprintf("%d %s", m.Minor, m.Currency)
	}
	return c.symbol + Major(m)
}

// Major writes the amount in major units with thousands separators and
// the currency's digits: 1,200.00.
func Major(m Money) string {
	c := Currencies[m.Currency]
	n := m.Minor
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	div := int64(1)
	for range c.digits {
		div *= 10
	}
	whole := strconv.FormatInt(n/div, 10)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if c.digits > 0 {
		fmt.Fprintf(&b, ".%0*d", c.digits, n%div)
	}
	return sign + b.String()
}

// ParseMajor reads an amount people typed in major units ("1200",
// "1,200.50") in a currency, refusing negative amounts and more digits
// after the point than the currency has.
func ParseMajor(s, code string) (Money, error) {
	c, ok := Currencies[code]
	if !ok {
		return Money{}, fmt.Errorf("%q is not an ISO 4217 currency code Tandem knows", code)
	}
	s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), " ", "")
	if strings.HasPrefix(s, "-") {
		return Money{}, fmt.Errorf("an amount cannot be negative")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > c.digits {
		if c.digits == 0 {
			return Money{}, fmt.Errorf("%s has no fractions: write a whole amount", code)
		}
		return Money{}, fmt.Errorf("%s has %d digits after the point", code, c.digits)
	}
	if whole == "" {
		whole = "0"
	}
	if whole == "0" && frac == "" && s == "" {
		return Money{}, fmt.Errorf("write the amount, such as 1200.00")
	}
	for len(frac) < c.digits {
		frac += "0"
	}
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || n < 0 || len(whole) > 15 {
		return Money{}, fmt.Errorf("write the amount in figures, such as 1200.00")
	}
	return Money{Minor: n, Currency: code}, nil
}

// Add is the sum of two amounts in the same currency; adding different
// currencies is a programming error the caller prevents.
func (m Money) Add(o Money) Money { return Money{Minor: m.Minor + o.Minor, Currency: m.Currency} }

// Zero is no money in a currency.
func Zero(code string) Money { return Money{Currency: code} }
