package api

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tandem/internal/goodwill"
)

// The API's list of currencies is the domain's.
func TestCurrencyEnumIsTheDomainList(t *testing.T) {
	f, _ := reflect.TypeFor[MoneyIn]().FieldByName("Currency")
	got := strings.Split(f.Tag.Get("enum"), ",")
	want := slices.Sorted(maps.Keys(goodwill.Currencies))
	if !slices.Equal(got, want) {
		t.Fatalf("enum %v, want %v", got, want)
	}
}
