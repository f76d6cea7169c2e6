package app_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// answered writes a response to the follow-up template as the survey
// page would, answered at at.
func answered(t *testing.T, s *store.Store, accountID, ownerID, trigger string, at time.Time, answers ...survey.Answer) {
	t.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for _, tpl := range survey.Defaults() {
			if err := tx.InsertSurveyTemplate(ctx, tpl); err != nil {
				return err
			}
		}
		return tx.InsertSurveyResponse(ctx, survey.Response{ID: fmt.Sprintf("r-%d-%s", at.UnixNano(), accountID), AccountID: accountID, OwnerID: ownerID,
			Trigger: trigger, TemplateID: survey.FollowUpID, TemplateVersion: 1, Channel: "web", Outcome: "neutral", AnsweredAt: at, Answers: answers})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func num(v float64) *float64 { return &v }

func npsAnswer(v float64) survey.Answer {
	return survey.Answer{Key: survey.KeyNPS, Type: survey.NPS, Number: num(v), Text: fmt.Sprint(v)}
}

func yesNo(key string, yes bool) survey.Answer {
	if yes {
		return survey.Answer{Key: key, Type: survey.YesNo, Number: num(1), Text: "yes"}
	}
	return survey.Answer{Key: key, Type: survey.YesNo, Number: num(0), Text: "no"}
}

func yardstick(metric string, v float64) survey.Answer {
	return survey.Answer{Key: metric, Type: survey.Yardstick, Number: num(v), Metric: metric, Unit: "days", Text: fmt.Sprint(v)}
}

// scoresBook: Acme (Sam's) answered the constructed set 10,10,9,9,9,8,7,7,3,6
// over January and February; Bolt (Mia's, a manager) once, a 2, in February.
func scoresBook(t *testing.T, f fixture) (acme, bolt customer.Account, mia access.Actor) {
	ctx := context.Background()
	u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia Manager", Role: "manager", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	mia = access.Actor{User: u, Scope: access.ScopeAdmin}
	acme, err = f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Acme"}, false)
	if err != nil {
		t.Fatal(err)
	}
	bolt, err = f.app.CreateAccount(ctx, f.admin, customer.Account{Name: "Bolt", OwnerID: mia.User.ID}, false)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)
	for i, v := range []float64{10, 10, 9, 9, 9, 8, 7, 7, 3, 6} {
		trigger := survey.OrderDelivered
		if i%2 == 1 {
			trigger = survey.CaseClosed
		}
		answers := []survey.Answer{npsAnswer(v), yesNo(survey.KeyAsExpected, v >= 7),
			{Key: "csat", Type: survey.CSAT, Number: num(float64(1 + i%5)), Text: "x"}}
		if i < 3 {
			answers = append(answers, yardstick("delivery_days", []float64{3, 4, 7}[i]))
		}
		answered(t, f.store, acme.ID, f.sales.User.ID, trigger, base.AddDate(0, 0, 5*i), answers...)
	}
	answered(t, f.store, bolt.ID, mia.User.ID, survey.CaseClosed, time.Date(2026, 2, 20, 10, 0, 0, 0, time.UTC),
		npsAnswer(2), yesNo(survey.KeyAsExpected, false), survey.Answer{Key: "ces", Type: survey.CES, Number: num(5), Text: "5"})
	return acme, bolt, mia
}

func TestSurveyScores(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acme, bolt, mia := scoresBook(t, f)
		manager := f.admin

		all, err := f.app.SurveyScores(ctx, manager, app.ScoreQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if all.NPS.N != 11 || all.NPS.Promoters != 5 || all.NPS.Detractors != 3 || math.Abs(all.NPS.Score-200.0/11) > 1e-9 {
			t.Fatalf("all: %+v", all.NPS)
		}
		// Twelve months up to March 2026, with the gaps.
		if len(all.ByMonth) != 12 || all.ByMonth[0].Month != "2025-04" || all.ByMonth[11].Month != "2026-03" || all.ByMonth[11].NPS.N != 0 {
			t.Fatalf("months: %+v", all.ByMonth)
		}
		if jan, feb := all.ByMonth[9], all.ByMonth[10]; jan.Month != "2026-01" || jan.NPS.N+feb.NPS.N != 11 {
			t.Fatalf("jan %+v feb %+v", jan, feb)
		}
		if r := all.YesRates[survey.KeyAsExpected]; r.N != 11 || r.Hits != 8 {
			t.Fatalf("yes-rate %+v", r)
		}
		if all.Distribution.NPS[9] != 3 || all.Distribution.NPS[2] != 1 || all.CES.N != 1 || all.CES.Mean != 5 {
			t.Fatalf("distribution %+v ces %+v", all.Distribution, all.CES)
		}
		// The constructed set: NPS 30, SE sqrt(0.061) × 100.
		one, err := f.app.SurveyScores(ctx, f.service, app.ScoreQuery{ScoreFilter: store.ScoreFilter{AccountID: acme.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if one.NPS.N != 10 || math.Abs(one.NPS.Score-30) > 1e-9 || math.Abs(one.NPS.SE-math.Sqrt(0.061)*100) > 1e-9 {
			t.Fatalf("acme: %+v", one.NPS)
		}
		// CSAT: values 1..5 twice → 4 of 10 are 4–5.
		if one.CSAT.N != 10 || one.CSAT.Hits != 4 {
			t.Fatalf("csat %+v", one.CSAT)
		}
		if len(one.Yardsticks) != 1 || one.Yardsticks[0].Median != 4 || one.Yardsticks[0].WithinTarget.Hits != 1 || *one.Yardsticks[0].Target != 7 {
			t.Fatalf("yardsticks %+v", one.Yardsticks)
		}

		// Sam sees his own without asking; not Mia's.
		own, err := f.app.SurveyScores(ctx, f.sales, app.ScoreQuery{})
		if err != nil || own.NPS.N != 10 {
			t.Fatalf("own: %v %+v", err, own.NPS)
		}
		_, err = f.app.SurveyScores(ctx, f.sales, app.ScoreQuery{ScoreFilter: store.ScoreFilter{OwnerID: mia.User.ID}})
		wantKind(t, err, fault.Forbidden)
		// Val owns none: a team asked for is still narrowed to her own.
		if v, err := f.app.SurveyScores(ctx, f.service, app.ScoreQuery{ScoreFilter: store.ScoreFilter{Team: "sales"}}); err != nil || v.NPS.N != 0 {
			t.Fatalf("Val: %v %+v", err, v.NPS)
		}
		_, err = f.app.SurveyScores(ctx, f.sales, app.ScoreQuery{GroupBy: store.ScoreByOwner, ScoreFilter: store.ScoreFilter{Team: "manager", OwnerID: f.sales.User.ID}})
		if err != nil {
			t.Fatal(err)
		}
		// But any one account, as he reads every account.
		if b, err := f.app.SurveyScores(ctx, f.sales, app.ScoreQuery{ScoreFilter: store.ScoreFilter{AccountID: bolt.ID}}); err != nil || b.NPS.N != 1 || b.NPS.Score != -100 {
			t.Fatalf("bolt: %v %+v", err, b.NPS)
		}

		if m, err := f.app.SurveyScores(ctx, mia, app.ScoreQuery{ScoreFilter: store.ScoreFilter{OwnerID: f.sales.User.ID}}); err != nil || m.NPS.N != 10 {
			t.Fatalf("Mia on Sam: %v %+v", err, m.NPS)
		}
		// Groups.
		byOwner, err := f.app.SurveyScores(ctx, manager, app.ScoreQuery{GroupBy: store.ScoreByOwner})
		if err != nil || len(byOwner.Groups) != 2 || byOwner.Groups[0].Key != f.sales.User.ID || byOwner.Groups[0].Name != f.sales.User.Name || byOwner.Groups[1].NPS.N != 1 {
			t.Fatalf("by owner: %v %+v", err, byOwner.Groups)
		}
		byTeam, _ := f.app.SurveyScores(ctx, manager, app.ScoreQuery{GroupBy: store.ScoreByTeam})
		if len(byTeam.Groups) != 2 || byTeam.Groups[0].Name != "Sales" {
			t.Fatalf("by team: %+v", byTeam.Groups)
		}
		byTrigger, _ := f.app.SurveyScores(ctx, manager, app.ScoreQuery{GroupBy: store.ScoreByTrigger})
		if len(byTrigger.Groups) != 2 || byTrigger.Groups[0].Key != survey.CaseClosed || byTrigger.Groups[0].NPS.N != 6 {
			t.Fatalf("by trigger: %+v", byTrigger.Groups)
		}
		byAccount, _ := f.app.SurveyScores(ctx, manager, app.ScoreQuery{GroupBy: store.ScoreByAccount})
		if len(byAccount.Groups) != 2 || byAccount.Groups[0].Name != "Acme" {
			t.Fatalf("by account: %+v", byAccount.Groups)
		}
		// A period: February only.
		feb, _ := f.app.SurveyScores(ctx, manager, app.ScoreQuery{ScoreFilter: store.ScoreFilter{From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}})
		if len(feb.ByMonth) != 1 || feb.NPS.N != feb.ByMonth[0].NPS.N || feb.NPS.N == 0 || feb.NPS.N == 11 {
			t.Fatalf("february: %+v", feb.ByMonth)
		}

		// Bad input names the field.
		_, err = f.app.SurveyScores(ctx, manager, app.ScoreQuery{GroupBy: "month", ScoreFilter: store.ScoreFilter{Team: "boss", Trigger: "whim",
			From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "group_by" {
			t.Fatalf("%+v", e)
		}
		_, err = f.app.SurveyScores(ctx, manager, app.ScoreQuery{ScoreFilter: store.ScoreFilter{Team: "boss", Trigger: "whim",
			From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
		e := wantKind(t, err, fault.Invalid)
		if len(e.Fields) != 3 || e.Fields[0].Field != "team" || e.Fields[1].Field != "trigger" || e.Fields[2].Field != "to" {
			t.Fatalf("%+v", e.Fields)
		}
		_, err = f.app.SurveyScores(ctx, manager, app.ScoreQuery{ScoreFilter: store.ScoreFilter{From: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}})
		if e := wantKind(t, err, fault.Invalid); e.Fields[0].Field != "from" {
			t.Fatalf("%+v", e.Fields)
		}
		// A read token may read them; a deactivated user may not.
		tok := f.sales
		tok.Scope = access.ScopeRead
		if _, err := f.app.SurveyScores(ctx, tok, app.ScoreQuery{}); err != nil {
			t.Fatal(err)
		}
		gone := f.sales
		gone.User.Active = false
		_, err = f.app.SurveyScores(ctx, gone, app.ScoreQuery{ScoreFilter: store.ScoreFilter{AccountID: acme.ID}})
		wantKind(t, err, fault.Forbidden)
	})
}

func TestScoreAnswers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		acme, _, mia := scoresBook(t, f)
		detractors := app.AnswerQuery{Type: survey.NPS, Min: num(0), Max: num(6)}
		list, _, err := f.app.ScoreAnswers(ctx, f.admin, detractors, store.Page{})
		if err != nil || len(list) != 3 || *list[0].Number != 2 || list[0].AccountName != "Bolt" {
			t.Fatalf("detractors: %v %+v", err, list)
		}
		list, _, err = f.app.ScoreAnswers(ctx, f.sales, detractors, store.Page{})
		if err != nil || len(list) != 2 {
			t.Fatalf("Sam's detractors: %v %+v", err, list)
		}
		q := detractors
		q.AccountID = acme.ID
		if list, _, err = f.app.ScoreAnswers(ctx, f.service, q, store.Page{}); err != nil || len(list) != 2 {
			t.Fatalf("Acme's detractors for Val: %v %+v", err, list)
		}
		q = detractors
		q.OwnerID = mia.User.ID
		_, _, err = f.app.ScoreAnswers(ctx, f.sales, q, store.Page{})
		wantKind(t, err, fault.Forbidden)
		_, _, err = f.app.ScoreAnswers(ctx, f.admin, app.AnswerQuery{Type: "essay", Min: num(5), Max: num(1)}, store.Page{})
		if e := wantKind(t, err, fault.Invalid); len(e.Fields) != 2 {
			t.Fatalf("%+v", e.Fields)
		}
	})
}

// TestSaveYardstickTargets: managers save the targets in one transaction
// with its event; bad targets are refused naming the metric, a stale
// version is refused, and a sales user cannot save.
func TestSaveYardstickTargets(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s)
		ctx := context.Background()
		got, v, err := f.app.YardstickTargetSetting(ctx, f.sales)
		if err != nil || v != 0 || got["delivery_days"] != 7 || got["first_response_hours"] != 24 {
			t.Fatal(got, v, err)
		}
		if _, _, err := f.app.SaveYardstickTargets(ctx, f.sales, map[string]float64{"delivery_days": 5}, -1); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("sales save: %v", err)
		}
		_, _, err = f.app.SaveYardstickTargets(ctx, f.admin, map[string]float64{"delivery_days": 0, "setup_hours": 4}, 0)
		if e := wantKind(t, err, fault.Invalid); len(e.Fields) != 1 || e.Fields[0].Field != "targets.delivery_days" {
			t.Errorf("fields %+v", e.Fields)
		}
		saved, v, err := f.app.SaveYardstickTargets(ctx, f.admin, map[string]float64{"delivery_days": 5, "setup_hours": 4}, 0)
		if err != nil || v != 1 || saved["setup_hours"] != 4 {
			t.Fatal(saved, v, err)
		}
		if _, _, err := f.app.SaveYardstickTargets(ctx, f.admin, map[string]float64{"delivery_days": 6}, 0); fault.KindOf(err) != fault.Stale {
			t.Errorf("stale save: %v", err)
		}
		got, err = f.app.YardstickTargets(ctx)
		if err != nil || len(got) != 2 || got["delivery_days"] != 5 || got["first_response_hours"] != 0 {
			t.Errorf("targets now %v %v", got, err)
		}
		evs, _, err := f.app.Audit(ctx, f.admin, store.AuditFilter{Kind: "survey.targets_changed"}, store.Page{})
		if err != nil || len(evs) != 1 {
			t.Errorf("events %v %v", evs, err)
		}
	})
}
