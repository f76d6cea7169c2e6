package goodwill

import "tandem/internal/promise"

// Money is an amount in a currency's minor units (cents), never a float:
// the same type as the promise ledger's, so that the API has one Money
// schema.
type Money = promise.Money

// Currencies are the ISO 4217 currencies Tandem accepts.
var Currencies = promise.Currencies

// KnownCurrency reports whether code is an ISO 4217 currency Tandem knows.
func KnownCurrency(code string) bool { return promise.KnownCurrency(code) }

// Major writes the amount in major units with thousands separators.
func Major(m Money) string { return promise.Major(m) }

// ParseMajor reads an amount people typed in major units in a currency.
func ParseMajor(s, code string) (Money, error) { return promise.ParseMajor(s, code) }
