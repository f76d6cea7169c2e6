package server_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/competitor"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/goodwill"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/promise"
	"tandem/internal/promotion"
	"tandem/internal/rules"
	"tandem/internal/server"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
	"tandem/internal/task"
)

// The fuzz targets send arbitrary bytes as the JSON body of the write
// operations, on SQLite and PostgreSQL, as an admin with an admin token;
// no body may produce a 5xx, and every error is a problem. Their seed
// corpora are in testdata/fuzz; CI runs each for a few seconds.
var fuzzTargets = map[string][]string{
	"FuzzAccountWrites":     {"create-account", "update-account", "merge-account"},
	"FuzzContactWrites":     {"create-contact", "update-contact"},
	"FuzzInteractionWrites": {"create-interaction", "update-interaction"},
	"FuzzCaseWrites":        {"open-case", "update-case", "transition-case", "comment-case"},
	"FuzzAccessWrites":      {"sign-in", "change-password", "create-user", "update-user", "reset-password", "create-token"},
	"FuzzSettingWrites":     {"update-calendar", "update-sla-policy", "save-case-category", "set-notification-preferences"},
	"FuzzPolicyWrites":      {"create-policy", "update-policy", "check-policies"},
	"FuzzPromiseWrites":     {"make-promise", "update-promise", "transition-promise"},
	"FuzzGoodwillWrites":    {"request-goodwill", "approve-goodwill", "reject-goodwill", "set-goodwill-limits", "create-promotion", "update-promotion"},
	"FuzzDealWrites":        {"create-deal", "update-deal", "move-deal", "set-pipeline"},
	"FuzzTaskWrites":        {"create-task", "update-task", "move-task"},
	"FuzzPromiseSettings":   {"set-promise-grace"},
	"FuzzSurveyWrites":      {"create-survey", "update-survey", "send-survey", "set-survey-settings", "record-survey-response", "set-yardstick-targets"},
}

type fuzzServer struct {
	base, token string
	ids         map[string]string
	ops         map[string]*huma.Operation
}

func newFuzzServer(tb testing.TB, s *store.Store) *fuzzServer {
	a := app.New(s)
	h := server.New(a, slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	ctx := context.Background()
	ada, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "ada@example.com", Name: "Ada", Role: "admin", Password: "a long enough password"})
	if err != nil {
		tb.Fatal(err)
	}
	sam, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	if err != nil {
		tb.Fatal(err)
	}
	_, secret, err := a.CreateToken(ctx, access.System, app.NewToken{UserID: ada.ID, Scope: "admin"})
	if err != nil {
		tb.Fatal(err)
	}
	actor := access.Actor{User: ada, Scope: access.ScopeAdmin}
	acc, err := a.CreateAccount(ctx, actor, customer.Account{Name: "Fuzz Industries", OwnerID: sam.ID}, true)
	if err != nil {
		tb.Fatal(err)
	}
	con, err := a.CreateContact(ctx, actor, customer.Contact{AccountID: acc.ID, Name: "Frida Fuzz"}, true)
	if err != nil {
		tb.Fatal(err)
	}
	in, err := a.LogInteraction(ctx, actor, customer.Interaction{AccountID: acc.ID, Team: "sales", Channel: "phone", Direction: "in", Summary: "Called"})
	if err != nil {
		tb.Fatal(err)
	}
	cs, err := a.OpenCase(ctx, actor, cases.Case{AccountID: acc.ID, Subject: "Broken"})
	if err != nil {
		tb.Fatal(err)
	}
	pol, err := a.SaveServicePolicy(ctx, actor, rules.Policy{Name: "Fuzz", Statement: "Rebates are paid 6–8 weeks after the claim",
		Rule: `promise.kind == "rebate"`, Severity: rules.Warn}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	pr, err := a.MakePromise(ctx, actor, promise.Promise{AccountID: acc.ID, Kind: promise.Callback, Description: "A call back", DueAt: a.Now().Add(48 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	gw, err := a.RequestGoodwill(ctx, actor, goodwill.Goodwill{AccountID: acc.ID, Kind: "gift", Amount: goodwill.Money{Minor: 900000, Currency: "EUR"}, Reason: "fuzz"})
	if err != nil {
		tb.Fatal(err)
	}
	promo, err := a.CreatePromotion(ctx, actor, promotion.Promotion{Name: "Fuzz", Terms: "t", StartsAt: a.Now(), EndsAt: a.Now().AddDate(1, 0, 0)})
	if err != nil {
		tb.Fatal(err)
	}
	dl, err := a.CreateDeal(ctx, actor, deal.Deal{AccountID: acc.ID, Title: "Fuzz deal", Amount: promise.Money{Minor: 100, Currency: "EUR"}})
	if err != nil {
		tb.Fatal(err)
	}
	prod, err := a.CreateProduct(ctx, actor, order.Product{SKU: "FUZZ-1", Name: "Fuzz widget", UnitPrice: money.Money{Minor: 1000, Currency: "EUR"},
		UnitCost: money.Money{Minor: 500, Currency: "EUR"}, Active: true})
	if err != nil {
		tb.Fatal(err)
	}
	ord, err := a.RecordOrder(ctx, actor, app.OrderInput{AccountID: acc.ID, Lines: []app.LineInput{{ProductID: prod.ID, Quantity: 1}}})
	if err != nil {
		tb.Fatal(err)
	}
	tk, err := a.CreateTask(ctx, actor, task.Task{AccountID: acc.ID, Title: "Fuzz task", OwnerID: sam.ID, DueAt: a.Now().Add(24 * time.Hour)})
	if err != nil {
		tb.Fatal(err)
	}
	rival, err := a.CreateCompetitor(ctx, actor, competitor.Competitor{Name: "Fuzz Rival", Active: true})
	if err != nil {
		tb.Fatal(err)
	}
	f := &fuzzServer{base: srv.URL, token: secret, ops: map[string]*huma.Operation{},
		ids: map[string]string{"accounts": acc.ID, "contacts": con.ID, "interactions": in.ID, "cases": cs.ID, "users": sam.ID,
			"calendars": "default", "sla-policies": "default", "case-categories": "billing",
			"policies": pol.ID, "promises": pr.ID, "goodwill": gw.ID, "promotions": promo.ID, "deals": dl.ID, "products": prod.ID, "orders": ord.ID, "tasks": tk.ID,
			"competitors": rival.ID, "surveys": survey.FollowUpID}}
	for _, item := range h.API.OpenAPI().Paths {
		for _, o := range []*huma.Operation{item.Post, item.Put, item.Patch} {
			if o != nil {
				f.ops[o.OperationID] = o
			}
		}
	}
	return f
}

// send posts body to operation id and fails on a 5xx or an error that is
// not a problem.
func (f *fuzzServer) send(t *testing.T, id string, body []byte) {
	o := f.ops[id]
	if o == nil {
		t.Fatalf("no operation %s", id)
	}
	path := o.Path
	segs := strings.Split(path, "/")
	for i, sg := range segs {
		if strings.HasPrefix(sg, "{") {
			path = strings.Replace(path, sg, f.ids[segs[i-1]], 1)
		}
	}
	req, err := http.NewRequest(o.Method, f.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode >= 500 {
		t.Fatalf("%s %s with %q: %d %s", o.Method, o.Path, body, res.StatusCode, b)
	}
	if res.StatusCode >= 400 && res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s %s with %q: %d is not a problem: %s", o.Method, o.Path, body, res.StatusCode, b)
	}
}

// fuzzWrites runs one target: op picks the operation of the target's
// list, body is sent to it on each engine.
func fuzzWrites(f *testing.F, name string) {
	ops := fuzzTargets[name]
	servers := []*fuzzServer{newFuzzServer(f, storetest.SQLite(f))}
	if os.Getenv("TANDEM_TEST_POSTGRES") != "" || os.Getenv("CI") == "true" {
		servers = append(servers, newFuzzServer(f, storetest.Postgres(f)))
	}
	f.Add(uint8(0), []byte(`{}`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		id := ops[int(op)%len(ops)]
		for _, s := range servers {
			s.send(t, id, body)
		}
	})
}

func FuzzAccountWrites(f *testing.F)     { fuzzWrites(f, "FuzzAccountWrites") }
func FuzzContactWrites(f *testing.F)     { fuzzWrites(f, "FuzzContactWrites") }
func FuzzInteractionWrites(f *testing.F) { fuzzWrites(f, "FuzzInteractionWrites") }
func FuzzCaseWrites(f *testing.F)        { fuzzWrites(f, "FuzzCaseWrites") }
func FuzzAccessWrites(f *testing.F)      { fuzzWrites(f, "FuzzAccessWrites") }
func FuzzSettingWrites(f *testing.F)     { fuzzWrites(f, "FuzzSettingWrites") }
func FuzzPolicyWrites(f *testing.F)      { fuzzWrites(f, "FuzzPolicyWrites") }
func FuzzPromiseWrites(f *testing.F)     { fuzzWrites(f, "FuzzPromiseWrites") }
func FuzzGoodwillWrites(f *testing.F)    { fuzzWrites(f, "FuzzGoodwillWrites") }
func FuzzDealWrites(f *testing.F)        { fuzzWrites(f, "FuzzDealWrites") }
func FuzzTaskWrites(f *testing.F)        { fuzzWrites(f, "FuzzTaskWrites") }
func FuzzPromiseSettings(f *testing.F)   { fuzzWrites(f, "FuzzPromiseSettings") }
func FuzzSurveyWrites(f *testing.F)      { fuzzWrites(f, "FuzzSurveyWrites") }

// TestFuzzTargetsCoverEveryWrite fails when a write operation with a body
// is in no fuzz target.
func TestFuzzTargetsCoverEveryWrite(t *testing.T) {
	h := server.New(app.New(storetest.SQLite(t)), slog.New(slog.NewTextHandler(io.Discard, nil)), server.Options{})
	var covered []string
	for _, ops := range fuzzTargets {
		covered = append(covered, ops...)
	}
	for path, item := range h.API.OpenAPI().Paths {
		for _, o := range []*huma.Operation{item.Post, item.Put, item.Patch, item.Delete} {
			if o != nil && o.RequestBody != nil && !slices.Contains(covered, o.OperationID) {
				t.Errorf("%s %s (%s) takes a body but no fuzz target sends it one", o.Method, path, o.OperationID)
			}
		}
	}
}
