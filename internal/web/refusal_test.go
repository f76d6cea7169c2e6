package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/web"
)

// TestRefusedBeforeChecked: a form someone may not send is refused (403)
// whatever it holds: one whose filled-in values a sales user or a
// service agent may not save is refused just the same with every field
// a person fills in emptied (the version an edit form carries is kept),
// never answered with what is wrong with the values, which would tell
// them about records they may not change.
func TestRefusedBeforeChecked(t *testing.T) {
	engines(t, func(t *testing.T, x *site) {
		forms := x.forms()
		refused := map[string]int{}
		for _, role := range []string{"sales", "service"} {
			u, _, err := x.a.AddUser(t.Context(), access.System, app.NewUser{Email: role + "-refused@example.com", Name: role, Role: role})
			if err != nil {
				t.Fatal(err)
			}
			cookie := session(t, x.s, u.ID, x.a.Now())
			as := func(path string, body url.Values) int {
				req, _ := http.NewRequest(http.MethodPost, x.srv.URL+path, strings.NewReader(body.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.AddCookie(&http.Cookie{Name: "tandem_session", Value: cookie})
				status, _ := x.send(req)
				return status
			}
			for _, p := range web.Patterns() {
				f, ok := forms[p]
				if !ok || !strings.HasPrefix(p, "POST ") || p == "POST /logout" || p == "POST /login" {
					continue
				}
				if as(f.path, f.fields) != http.StatusForbidden {
					continue
				}
				refused[role]++
				empty := url.Values{}
				for k, vs := range f.fields {
					empty[k] = vs
					if k != "version" && !strings.HasPrefix(k, "was_") {
						empty.Set(k, "") // what a person types, not what the form carries
					}
				}
				if status := as(f.path, empty); status != http.StatusForbidden {
					t.Errorf("%s as %s: %d for empty fields, where the filled-in form is refused", p, role, status)
				}
			}
		}
		// The managers' forms (users, policies, products, survey settings…) are refused to both.
		if refused["sales"] < 10 || refused["service"] < 10 {
			t.Errorf("refused forms: %v; the test tries too few", refused)
		}
	})
}
