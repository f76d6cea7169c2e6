package web_test

import "net/url"

// promiseForms are the promise ledger's manager forms, filled in so that
// they would be saved by the admin.
func (x *site) promiseForms() map[string]form {
	return map[string]form{
		"POST /promises/grace": {"/promises/grace", url.Values{"version": {"0"}, "grace_callback": {"2"}, "grace_rebate": {"21"},
			"grace_delivery_date": {"3"}}},
	}
}
