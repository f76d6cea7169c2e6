package app_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// BenchmarkAnswerSurvey records answers through the customer's link with
// 16 clients at once on SQLite, the loop included: a third are problems
// (a case and survey_problem), a third happy (a deal and next_sale), a
// third neutral. The invitations are made before the clock starts.
func BenchmarkAnswerSurvey(b *testing.B) {
	s := storetest.SQLite(b)
	a := app.New(s)
	ctx := context.Background()
	u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	sam := access.Actor{User: u, Scope: access.ScopeAdmin}
	acc, _ := a.CreateAccount(ctx, sam, customer.Account{Name: "Contoso"}, true)
	ct, _ := a.CreateContact(ctx, sam, customer.Contact{AccountID: acc.ID, Name: "Ann", Email: "ann@contoso.example"}, true)
	tokens := make(chan string, b.N)
	for range b.N {
		inv, err := a.SendSurvey(ctx, sam, survey.FollowUpID, ct.ID, "", "")
		if err != nil {
			b.Fatal(err)
		}
		tokens <- inv.URL[strings.LastIndex(inv.URL, "/s/")+3:]
	}
	close(tokens)
	kinds := []map[string]string{answers("yes", "no", "yes", "7"), answers("yes", "yes", "yes", "10"), answers("yes", "yes", "yes", "8")}
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := a.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: <-tokens, Answers: kinds[i%3]}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
}
