package api

import (
	"reflect"
	"testing"
)

func TestFieldAt(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"{\"name\":\"a\xffb\"}", "name"},
		{"{\"a\":1,\"b\":{\"c\":[\"ok\",\"x\xff\"]}}", "b.c[1]"},
		{"{\"hours\":{\"mon\xffday\":\"9\"}}", "hours.mon\ufffdday"},
		{"{\"x\":[{\"y\":\"1\"},{\"z\":\"\xfe\"}]}", "x[1].z"},
	} {
		if got := fieldAt([]byte(c.body), invalidAt([]byte(c.body))); got != c.want {
			t.Errorf("fieldAt(%q) = %q, want %q", c.body, got, c.want)
		}
	}
}

func TestSchemaNames(t *testing.T) {
	anon := reflect.TypeOf(struct{ A int }{})
	for hint, want := range map[string]string{
		"create-userResponse":            "CreateUserOutput",
		"case-confirmation-ratesRequest": "CaseConfirmationRatesInput",
		"list-notificationsResponse":     "ListNotificationsOutput",
	} {
		if got := schemaName(anon, hint); got != want {
			t.Errorf("schemaName(%q) = %q, want %q", hint, got, want)
		}
	}
	if got := schemaName(reflect.TypeOf(List[UserOut]{}), "x"); got != "ListUserOut" {
		t.Errorf("generic list: %q", got)
	}
}

func TestIfMatchIsStrong(t *testing.T) {
	for h, want := range map[string]int64{``: 0, `*`: 0, `"2"`: 2, `W/"2"`: -1, `2`: -1, `"x"`: -1, `"0"`: -1} {
		if got := ifMatch(h); got != want {
			t.Errorf("ifMatch(%q) = %d, want %d", h, got, want)
		}
	}
}
