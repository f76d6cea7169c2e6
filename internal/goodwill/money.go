package goodwill

import "tandem/internal/money"

// Money is an amount in a currency's minor units: the shared money.Money.
type Money = money.Money

// Currencies are the ISO 4217 currencies Tandem accepts.
var Currencies = money.Currencies

// KnownCurrency reports whether code is an ISO 4217 currency Tandem accepts.
func KnownCurrency(code string) bool { return money.KnownCurrency(code) }

// Major writes the amount in major units: 1,200.00.
func Major(m Money) string { return money.Major(m) }

// ParseMajor reads an amount people typed in major units in a currency.
func ParseMajor(s, code string) (Money, error) { return money.ParseMajor(s, code) }
