package goodwill

import "tandem/internal/promise"

// Money is an amount in a currency's minor units: the promise ledger's
// type, so that the API has one shape of money ({"amount_minor",
// "currency"}).
type Money = promise.Money

// Currencies are the ISO 4217 currencies Tandem knows.
var Currencies = promise.Currencies

// KnownCurrency is whether code is a currency Tandem knows.
func KnownCurrency(code string) bool { return promise.KnownCurrency(code) }

// Major writes an amount in major units, as a form shows it.
func Major(m Money) string { return promise.Major(m) }

// ParseMajor reads an amount typed in major units.
func ParseMajor(s, code string) (Money, error) { return promise.ParseMajor(s, code) }
