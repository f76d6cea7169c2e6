package rules

import (
	"slices"
	"time"
)

// PromiseKinds are the kinds of promise a rule sees in promise.kind; the
// same list as the promise ledger's.
var PromiseKinds = []string{"delivery_date", "rebate", "discount", "callback", "service_level", "feature", "other"}

// KnownKind says whether k is a kind of promise.
func KnownKind(k string) bool { return slices.Contains(PromiseKinds, k) }

// Currencies are the ISO 4217 codes a promise's amount may be in: the
// ledger's list.
var Currencies = []string{"EUR", "USD", "GBP", "CHF", "JPY", "CNY", "CAD", "AUD", "NZD", "SEK", "NOK", "DKK",
	"PLN", "CZK", "HUF", "RON", "BGN", "ISK", "TRY", "INR", "BRL", "MXN", "ZAR", "SGD",
	"HKD", "KRW", "ILS", "AED", "SAR", "KWD", "BHD", "TWD", "THB", "MYR", "IDR", "PHP",
	"CLP", "COP", "ARS", "UAH", "EGP", "NGN"}

// KnownCurrency says whether code is a currency Tandem accepts.
func KnownCurrency(code string) bool { return slices.Contains(Currencies, code) }

// DueInDays counts the calendar days from the day of now to the day of
// due, both in loc: 0 when due today, 1 tomorrow, negative when past.
// Days are counted on the calendar, so a change of daylight saving time
// does not shift them.
func DueInDays(now, due time.Time, loc *time.Location) int64 {
	if loc == nil {
		loc = time.UTC
	}
	day := func(t time.Time) int64 {
		y, m, d := t.In(loc).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	}
	return day(due) - day(now)
}
