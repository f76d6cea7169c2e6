// Package web serves Tandem's server-rendered HTML pages. Pages work
// without JavaScript; every form keeps what was typed and shows each
// problem next to its field.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/goodwill"
	"tandem/internal/money"
	"tandem/internal/survey"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

type site struct {
	app   *app.App
	log   *slog.Logger
	pages map[string]*template.Template
	// linkLimit bounds what anonymous visitors send to survey and resolution links.
	linkLimit *postLimit
}

// Register adds the pages to mux. It returns the page for an address that
// names none (404), for the server to answer every such request with.
func Register(mux *http.ServeMux, a *app.App, log *slog.Logger) http.Handler {
	s := &site{app: a, log: log, pages: map[string]*template.Template{}, linkLimit: newLinkLimit()}
	// Every page is parsed with the layout and the parts pages share.
	shared := []string{"templates/layout.html", "templates/candidates.html", "templates/interaction_fields.html", "templates/promise_parts.html", "templates/goodwill_parts.html", "templates/order_parts.html",
		"templates/account_scores.html"}
	// So are the parts of the account and case pages in files of their
	// own (templates/*_parts.html).
	parts, _ := fs.Glob(templateFS, "templates/*_parts.html")
	for _, n := range parts {
		if !slices.Contains(shared, n) {
			shared = append(shared, n)
		}
	}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		if slices.Contains(shared, n) {
			continue
		}
		s.pages[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] =
			template.Must(template.New("layout.html").Funcs(funcs).Funcs(scoreFuncs).Funcs(template.FuncMap{"when": s.when, "zone": s.zone}).ParseFS(templateFS, append(shared, n)...))
	}
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Files only: a directory is not listed.
		if st, err := fs.Stat(static, strings.TrimPrefix(r.URL.Path, "/static/")); err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
	// Browsers ask for /favicon.ico whatever the page links; both get the
	// one icon, an SVG.
	mux.Handle("GET /favicon.ico", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeFileFS(w, r, static, "favicon.svg")
	}))
	for _, rt := range s.routes() {
		mux.HandleFunc(rt.pattern, s.checkedRequest(rt.pattern, rt.handler))
	}
	return http.HandlerFunc(s.notFound)
}

type route struct {
	pattern string
	handler http.HandlerFunc
}

func (s *site) routes() []route {
	return []route{
		{"GET /login", s.loginPage},
		{"POST /login", s.login},
		{"POST /logout", s.signedIn(s.logout)},
		{"GET /{$}", s.signedIn(s.home)},
		{"GET /accounts", s.signedIn(s.accounts)},
		{"GET /accounts/new", s.signedIn(s.newAccount)},
		{"POST /accounts", s.signedIn(s.createAccount)},
		{"GET /accounts/{id}", s.signedIn(s.account)},
		{"GET /search", s.signedIn(s.search)},
		{"GET /accounts/{id}/edit", s.signedIn(s.editAccount)},
		{"POST /accounts/{id}", s.signedIn(s.saveAccount)},
		{"POST /accounts/{id}/contacts", s.signedIn(s.createContact)},
		{"POST /accounts/{id}/interactions", s.signedIn(s.logInteraction)},
		{"GET /contacts/{id}", s.signedIn(s.contact)},
		{"GET /contacts/{id}/edit", s.signedIn(s.editContact)},
		{"POST /contacts/{id}", s.signedIn(s.saveContact)},
		{"GET /interactions/{id}/edit", s.signedIn(s.editInteraction)},
		{"POST /interactions/{id}", s.signedIn(s.saveInteraction)},
		{"POST /interactions/{id}/delete", s.signedIn(s.deleteInteraction)},
		{"GET /cases", s.signedIn(s.queue)},
		{"GET /cases/new", s.signedIn(s.newCase)},
		{"POST /cases", s.signedIn(s.openCase)},
		{"GET /cases/{id}", s.signedIn(s.showCase)},
		{"POST /cases/{id}", s.signedIn(s.updateCase)},
		{"POST /cases/assign", s.signedIn(s.assignCases)},
		{"POST /cases/{id}/transitions", s.signedIn(s.transitionCase)},
		{"POST /cases/{id}/comments", s.signedIn(s.commentCase)},
		{"GET /inbox", s.signedIn(s.inbox)},
		{"POST /inbox/read", s.signedIn(s.readAll)},
		{"POST /inbox/{id}/read", s.signedIn(s.readNotification)},
		{"GET /settings", s.signedIn(s.settings)},
		{"POST /settings/password", s.signedIn(s.changePassword)},
		{"POST /settings/sessions/{id}/revoke", s.signedIn(s.revokeSession)},
		{"POST /settings/tokens", s.signedIn(s.createToken)},
		{"POST /tokens/{id}/revoke", s.signedIn(s.revokeToken)},
		{"GET /admin/users", s.signedIn(s.users)},
		{"POST /admin/users", s.signedIn(s.addUser)},
		{"POST /admin/users/{id}", s.signedIn(s.updateUser)},
		{"POST /admin/users/{id}/password", s.signedIn(s.resetPassword)},
		{"GET /admin/access", s.signedIn(s.accessOverview)},
		{"POST /admin/sessions/{id}/revoke", s.signedIn(s.revokeAnySession)},
		{"GET /audit", s.signedIn(s.audit)},
		{"GET /audit.csv", s.signedIn(s.auditCSV)},
		{"GET /settings/service", s.signedIn(s.serviceSettings)},
		{"POST /settings/service/calendar", s.signedIn(s.saveCalendar)},
		{"POST /settings/service/policy", s.signedIn(s.savePolicy)},
		{"GET /policies", s.signedIn(s.policies)},
		{"POST /policies", s.signedIn(s.createPolicy)},
		{"POST /policies/try", s.signedIn(s.tryPolicies)},
		{"GET /policies/{id}", s.signedIn(s.showPolicy)},
		{"POST /policies/{id}", s.signedIn(s.savePolicyPage)},
		{"POST /policies/{id}/remove", s.signedIn(s.removePolicy)},
		{"GET /goodwill", s.signedIn(s.goodwillQueue)},
		{"POST /accounts/{id}/goodwill", s.signedIn(s.grantGoodwill)},
		{"POST /goodwill/{id}/approve", s.signedIn(s.decideGoodwill(true))},
		{"POST /goodwill/{id}/reject", s.signedIn(s.decideGoodwill(false))},
		{"GET /promotions", s.signedIn(s.promotions)},
		// Tasks.
		{"GET /tasks", s.signedIn(s.tasks)},
		{"POST /tasks", s.signedIn(s.addTask)},
		{"GET /tasks/{id}", s.signedIn(s.showTask)},
		{"POST /tasks/{id}", s.signedIn(s.saveTask)},
		{"POST /tasks/{id}/move", s.signedIn(s.moveTask)},
		{"POST /accounts/{id}/tasks", s.signedIn(s.addAccountTask)},
		// Deals and the pipeline.
		{"GET /deals", s.signedIn(s.deals)},
		{"GET /deals/board", s.signedIn(s.dealBoard)},
		{"POST /deals/{id}/move", s.signedIn(s.moveDeal)},
		{"GET /deals/{id}", s.signedIn(s.showDeal)},
		{"POST /deals/{id}", s.signedIn(s.saveDeal)},
		{"POST /cases/{id}/deals", s.signedIn(s.startDealFromCase)},
		{"POST /interactions/{id}/deals", s.signedIn(s.startDealFromInteraction)},
		{"POST /promotions", s.signedIn(s.savePromotion)},
		{"POST /promotions/{id}", s.signedIn(s.savePromotion)},
		{"GET /r/{token}", s.resolutionPage},
		{"POST /r/{token}", s.answerResolution},
		// Follow-up surveys: the customer's page (no sign-in) and the
		// owner's form for answers given on the phone.
		{"GET /s/{token}", s.surveyPage},
		{"POST /s/{token}", s.answerSurveyPage},
		{"GET /follow-ups/{id}", s.signedIn(s.followUpPage)},
		{"POST /follow-ups/{id}/answers", s.signedIn(s.recordFollowUpAnswers)},
		{"GET /surveys", s.signedIn(s.surveys)},
		{"POST /surveys/settings", s.signedIn(s.saveSurveySettings)},
		{"POST /surveys/targets", s.signedIn(s.saveYardstickTargets)},
		{"GET /surveys/new", s.signedIn(s.newSurveyTemplatePage)},
		{"POST /surveys", s.signedIn(s.saveSurveyTemplate)},
		{"GET /surveys/{id}", s.signedIn(s.surveyTemplatePage)},
		{"POST /surveys/{id}", s.signedIn(s.saveSurveyTemplate)},
		{"POST /contacts/{id}/surveys", s.signedIn(s.sendSurvey)},
		// The promise ledger.
		{"POST /accounts/{id}/promises", s.signedIn(s.makePromise)},
		{"GET /promises", s.signedIn(s.promiseList)},
		{"GET /promises/measures", s.signedIn(s.promiseMeasures)},
		{"GET /promises/grace", s.signedIn(s.promiseGrace)},
		{"POST /promises/grace", s.signedIn(s.savePromiseGrace)},
		{"GET /promises/{id}", s.signedIn(s.showPromise)},
		{"POST /promises/{id}", s.signedIn(s.updatePromise)},
		{"POST /promises/{id}/transitions", s.signedIn(s.transitionPromise)},
		// Products and orders.
		{"GET /products", s.signedIn(s.products)},
		{"POST /products", s.signedIn(s.saveProduct)},
		{"GET /products/{id}", s.signedIn(s.showProduct)},
		{"POST /products/{id}", s.signedIn(s.updateProduct)},
		{"POST /accounts/{id}/orders", s.signedIn(s.recordOrder)},
		{"GET /orders/{id}", s.signedIn(s.showOrder)},
		{"POST /orders/{id}/transitions", s.signedIn(s.transitionOrder)},
		// Competitors, shopping signals and the share of wallet.
		{"GET /competitors", s.signedIn(s.competitors)},
		{"POST /competitors", s.signedIn(s.addCompetitor)},
		{"GET /competitors/{id}", s.signedIn(s.showCompetitor)},
		{"POST /competitors/{id}", s.signedIn(s.saveCompetitor)},
		{"POST /accounts/{id}/category-spend", s.signedIn(s.setWallet)},
		// Survey scores and the answers behind them.
		{"GET /surveys/results", s.signedIn(s.surveyResults)},
		{"GET /surveys/results/answers", s.signedIn(s.scoreAnswers)},
	}
}

// Patterns lists the patterns of every page and form handler, so that
// tests can check each of them for each role.
func Patterns() []string {
	var out []string
	for _, rt := range (&site{}).routes() {
		out = append(out, rt.pattern)
	}
	return append(out, "GET /static/", "GET /favicon.ico")
}

// rateTable is one table of confirmation rates.
type rateTable struct {
	Name  string
	Rates []app.ConfirmationRate
}

// view is what every page template gets.
type view struct {
	Title  string
	Nav    string
	Me     access.User
	Data   any
	Errors map[string]string // field -> message
	Form   url.Values
	Notice string
	Users  map[string]string // id -> name
	// Candidates are existing records the submitted one may duplicate,
	// each found at CandidatePath + its id.
	Candidates    []customer.Candidate
	CandidatePath string
	Unread        int // the signed-in user's unread notifications
}

// Field returns what was typed into a field.
func (v view) Field(name string) string { return v.Form.Get(name) }

// Carried are the hidden fields an edit form carries through a save: the
// record's version, and each field's value when the form was opened
// (was_<field>, see edit.go).
func (v view) Carried() []struct{ Name, Value string } {
	var out []struct{ Name, Value string }
	for _, k := range slices.Sorted(maps.Keys(v.Form)) {
		if k == "version" || strings.HasPrefix(k, "was_") {
			out = append(out, struct{ Name, Value string }{k, v.Form.Get(k)})
		}
	}
	return out
}

func (s *site) render(w http.ResponseWriter, r *http.Request, status int, page string, v view) {
	t, ok := s.pages[page]
	if !ok {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	if c, ok := browser(r); ok {
		v.Me = c.Actor.User
		v.Unread, _ = s.app.UnreadCount(r.Context(), c.Actor)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, v); err != nil {
		s.log.Error("rendering page", "page", page, "err", err)
		http.Error(w, "this page could not be shown; try again", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// fail shows an error page that says what happened in plain words.
func (s *site) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong on our side. Try again, and tell an admin if it keeps happening."
	if e, ok := fault.As(err); ok {
		switch e.Kind {
		case fault.NotFound:
			status, msg = http.StatusNotFound, "We could not find that. It may have been merged or deleted."
		case fault.Forbidden:
			status, msg = http.StatusForbidden, "You can't do that: "+e.Message+"."
		case fault.Invalid, fault.Conflict, fault.Stale:
			status, msg = http.StatusUnprocessableEntity, e.Error()
		}
	} else if r.Context().Err() != nil {
		return // the browser hung up; nobody reads an answer
	} else {
		s.log.Error("page failed", "path", r.URL.Path, "err", err)
	}
	s.render(w, r, status, "error", view{Title: http.StatusText(status), Data: msg})
}

type handler func(http.ResponseWriter, *http.Request, access.Actor)

// browser returns the caller of a page: only a browser session counts.
// The pages never accept API tokens (adr/0011-token-scopes-and-pages.md):
// a request with a token and no session is, for the pages, signed out.
func browser(r *http.Request) (access.Caller, bool) {
	c, ok := access.CallerFrom(r.Context())
	if !ok || c.SessionID == "" {
		return access.Caller{}, false
	}
	return c, true
}

// signedIn sends visitors without a browser session to the login page.
func (s *site) signedIn(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := browser(r)
		if !ok {
			if r.Method != http.MethodGet {
				http.Error(w, "Your session has ended. Sign in again.", http.StatusUnauthorized)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		h(w, r, c.Actor)
	}
}

// userNames returns every user's name by id, for showing owners and authors.
func (s *site) userNames(r *http.Request, actor access.Actor) map[string]string {
	users, err := s.app.Users(r.Context(), actor)
	m := map[string]string{"": "Tandem"}
	if err != nil {
		return m
	}
	for _, u := range users {
		m[u.ID] = u.Name
	}
	return m
}

// formErrors turns an app error into what a form shows: messages by field
// and duplicate candidates. ok is false for errors a form cannot show.
func formErrors(err error) (fields map[string]string, cands []customer.Candidate, ok bool) {
	e, isFault := fault.As(err)
	if !isFault {
		return nil, nil, false
	}
	switch e.Kind {
	case fault.Invalid:
		fields = map[string]string{}
		for _, f := range e.Fields {
			if m, ok := fields[f.Field]; ok { // every problem of a field, together
				fields[f.Field] = m + "; " + f.Message
				continue
			}
			fields[f.Field] = f.Message
		}
		return fields, nil, true
	case fault.Conflict:
		if c, isCands := e.Detail.([]customer.Candidate); isCands {
			return map[string]string{}, c, true
		}
		if len(e.Fields) > 0 {
			return map[string]string{e.Fields[0].Field: e.Fields[0].Message}, nil, true
		}
	}
	return nil, nil, false
}

func due(t time.Time) string {
	if t.IsZero() {
		return "paused"
	}
	d := time.Until(t).Round(time.Minute)
	if d < 0 {
		return "overdue by " + shortDuration(-d)
	}
	return "due in " + shortDuration(d)
}

func shortDuration(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	h, m := int(d.Hours()), int(d.Minutes())%60
	if h == 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", h, m)
}

// when writes a moment for people, in the team's time zone.
func (s *site) when(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.In(s.app.Zone()).Format("2 Jan 2006 15:04")
}

// zone names the team's time zone, in which pages show times and read
// the times people type.
func (s *site) zone() string { return s.app.Zone().String() }

var funcs = template.FuncMap{
	"iso": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"ago": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		d := time.Since(t)
		switch {
		case d < time.Minute:
			return "just now"
		case d < time.Hour:
			return fmt.Sprintf("%d min ago", int(d.Minutes()))
		case d < 48*time.Hour:
			return fmt.Sprintf("%d h ago", int(d.Hours()))
		default:
			return fmt.Sprintf("%d days ago", int(d.Hours()/24))
		}
	},
	"list":    func(s ...string) []string { return s },
	"rates":   func(name string, rates []app.ConfirmationRate) rateTable { return rateTable{name, rates} },
	"percent": func(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" },
	"whole":   func(f float64) string { return strconv.FormatFloat(f, 'f', 0, 64) },
	"deref":   func(b *bool) bool { return b != nil && *b },
	"due":     due,
	// deadline names a case's next deadline and when it is.
	"queueLink": queueLink,
	"deadline": func(c cases.Case) string {
		at, first := c.NextDeadline()
		switch {
		case at.IsZero():
			return "clock paused"
		case first:
			return "first reply " + due(at)
		}
		return "resolution " + due(at)
	},
	"days":      func(t time.Time) int { return int(time.Since(t).Hours() / 24) },
	"maxlength": maxLength,
	"maxanswer": func() int { return survey.MaxTextAnswer },
	"human":     event.Human,
	"describe":  event.Describe,
	"browser":   browserName,
	"major":     goodwill.Major,
	"money":     func(m money.Money) string { return m.String() },
	"lower":     strings.ToLower,
	// dict makes a map of key, value pairs, for passing several values
	// to a shared template.
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	// scale lists the choices of a survey scale (nps 0–10 …).
	"scale": func(typ string) []int {
		lo, hi, _ := survey.Scale(typ)
		var out []int
		for n := lo; n <= hi && hi > 0; n++ {
			out = append(out, n)
		}
		return out
	},
}
