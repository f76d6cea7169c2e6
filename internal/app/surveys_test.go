package app_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/order"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

type surveyFixture struct {
	fixture
	app     *app.App
	acc     customer.Account
	contact customer.Contact
}

func surveySetup(t *testing.T, s *store.Store) surveyFixture {
	f := setup(t, s)
	a := app.New(s, app.WithClock(func() time.Time { return *f.clock }), app.WithEmail("https://tandem.example/"))
	ctx := context.Background()
	acc, err := a.CreateAccount(ctx, f.sales, customer.Account{Name: "Contoso"}, false)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := a.CreateContact(ctx, f.sales, customer.Contact{AccountID: acc.ID, Name: "Ann Lee", Email: "ann@contoso.example"}, false)
	if err != nil {
		t.Fatal(err)
	}
	return surveyFixture{fixture: f, app: a, acc: acc, contact: ct}
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || !strings.HasPrefix(u.Path, "/s/") || u.Host != "tandem.example" {
		t.Fatalf("link %q", link)
	}
	return strings.TrimPrefix(u.Path, "/s/")
}

func answers(a, b, c, nps string) map[string]string {
	return map[string]string{survey.KeyAsExpected: a, survey.KeyDeliveredAsPromised: b, survey.KeyMetExpectations: c, survey.KeyNPS: nps}
}

func TestSurveyTokens(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		inv, err := f.app.SendSurvey(ctx, f.sales, survey.FollowUpID, f.contact.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if inv.Channel != survey.ChannelEmail || inv.Trigger != survey.Manual || inv.AccountID != f.acc.ID {
			t.Fatalf("invitation %+v", inv)
		}
		tok := tokenOf(t, inv.URL)
		ps, err := f.app.SurveyFor(ctx, tok)
		if err != nil || ps.State != "open" || ps.ContactName != "Ann Lee" || len(ps.Template.Questions) != 5 || ps.OwnerName == "" {
			t.Fatalf("survey %+v %v", ps, err)
		}
		// Forged: every part changed is a plain not found.
		parts := strings.Split(tok, ".")
		for _, bad := range []string{parts[0] + "." + parts[1] + ".AAAA" + parts[2][4:], "f" + parts[0][1:] + "." + parts[1] + "." + parts[2],
			parts[0] + ".ffffffffffff." + parts[2], "nonsense", ""} {
			_, err := f.app.SurveyFor(ctx, bad)
			if e := wantKind(t, err, fault.NotFound); e.Message != "this survey link is not valid" {
				t.Errorf("%q: %v", bad, e)
			}
		}
		// Rotation: the old link still works, new links use the new key.
		if _, err := f.app.RotateSurveyKeys(ctx, f.sales); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("sales rotate: %v", err)
		}
		kid, err := f.app.RotateSurveyKeys(ctx, f.admin)
		if err != nil || kid == parts[1] {
			t.Fatal(kid, err)
		}
		if _, err := f.app.SurveyFor(ctx, tok); err != nil {
			t.Fatalf("old link after rotation: %v", err)
		}
		inv2, _ := f.app.SendSurvey(ctx, f.sales, survey.FollowUpID, f.contact.ID, f.acc.ID, "")
		if !strings.Contains(inv2.URL, "."+kid+".") {
			t.Errorf("new link %s not signed with new key %s", inv2.URL, kid)
		}
		// A second app (another process) verifies the rotated key too.
		other := app.New(s, app.WithClock(func() time.Time { return *f.clock }))
		if _, err := other.SurveyFor(ctx, tokenOf(t, inv2.URL)); err != nil {
			t.Fatalf("other process: %v", err)
		}
		// Bad answers name their key and use nothing.
		_, err = f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: tok, Answers: map[string]string{"nps": "11", "colour": "red"}})
		e := wantKind(t, err, fault.Invalid)
		got := map[string]bool{}
		for _, fe := range e.Fields {
			got[fe.Field] = true
		}
		for _, k := range []string{"nps", "colour", "as_expected"} {
			if !got[k] {
				t.Errorf("no problem under %s: %v", k, e.Fields)
			}
		}
		// Single use.
		r, err := f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: tok, Answers: answers("yes", "yes", "yes", "8")})
		if err != nil || r.Outcome != survey.Neutral || r.CaseID != "" || r.DealID != "" || r.Channel != survey.ChannelWeb || r.OwnerID != f.sales.User.ID {
			t.Fatalf("answer %+v %v", r, err)
		}
		_, err = f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: tok, Answers: answers("no", "no", "no", "0")})
		wantKind(t, err, fault.Conflict)
		if ps, _ := f.app.SurveyFor(ctx, tok); ps.State != "answered" {
			t.Errorf("state after answer %q", ps.State)
		}
		// Expiry: 30 days.
		f.tick(30*24*time.Hour + time.Second)
		if ps, _ := f.app.SurveyFor(ctx, tokenOf(t, inv2.URL)); ps.State != "expired" {
			t.Errorf("state after 30 days %q", ps.State)
		}
		_, err = f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: tokenOf(t, inv2.URL), Answers: answers("yes", "yes", "yes", "10")})
		wantKind(t, err, fault.Conflict)
		// The invitation email is readable plain text with the link.
		emails, _ := f.app.Emails(ctx, f.sales, inv.ID)
		if len(emails) != 1 || !strings.Contains(emails[0].Body, inv.URL) || !strings.Contains(emails[0].Body, "Have we delivered as promised?") {
			t.Errorf("email %+v", emails)
		}
	})
}

func TestSurveyLoop(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		send := func() string {
			inv, err := f.app.SendSurvey(ctx, f.service, survey.FollowUpID, f.contact.ID, "", "")
			if err != nil {
				t.Fatal(err)
			}
			return tokenOf(t, inv.URL)
		}
		// A "no" opens a case in the follow-up category and tells the owner.
		r, err := f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: send(), Answers: answers("yes", "no", "yes", "9")})
		if err != nil || r.Outcome != survey.Problem || r.CaseID == "" {
			t.Fatalf("problem %+v %v", r, err)
		}
		c, err := f.app.Case(ctx, f.sales, r.CaseID)
		if err != nil || c.Category != app.FollowUpCategory || !strings.Contains(c.Description, "Have we delivered as promised?\n> no") {
			t.Fatalf("case %+v %v", c, err)
		}
		ns, _, _ := f.app.Notifications(ctx, f.sales, store.NotificationFilter{Kind: inbox.SurveyProblem}, store.Page{})
		if len(ns) != 1 || ns[0].URL != "/cases/"+c.ID {
			t.Fatalf("notifications %+v", ns)
		}
		// NPS ≤ 6 is a problem too.
		if r, _ := f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: send(), Answers: answers("yes", "yes", "yes", "6")}); r.Outcome != survey.Problem {
			t.Errorf("NPS 6: %+v", r)
		}
		// All yes and NPS ≥ 9 starts a deal for the owner.
		r, err = f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: send(), Answers: answers("yes", "yes", "yes", "10")})
		if err != nil || r.Outcome != survey.Happy || r.DealID == "" {
			t.Fatalf("happy %+v %v", r, err)
		}
		d, err := f.app.Deal(ctx, f.sales, r.DealID)
		if err != nil || d.Source != "service_follow_up" || d.Stage != "qualify" || d.OwnerID != f.sales.User.ID {
			t.Fatalf("deal %+v %v", d, err)
		}
		ns, _, _ = f.app.Notifications(ctx, f.sales, store.NotificationFilter{Kind: inbox.NextSale}, store.Page{})
		if len(ns) != 1 {
			t.Fatalf("next sale %+v", ns)
		}
		// The timeline says it.
		items, _, _ := f.app.Timeline(ctx, f.sales, f.acc.ID, event.Filter{}, store.Page{})
		found := false
		for _, it := range items {
			if it.Event != nil && strings.Contains(event.Describe(it.Event, nil).Text, "answered the follow-up survey: NPS 10, everything as expected") {
				found = true
			}
		}
		if !found {
			t.Errorf("no timeline sentence among %d items", len(items))
		}
		// A second happy answer while that deal is open joins it: no second deal.
		again, err := f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: send(), Answers: answers("yes", "yes", "yes", "9")})
		if err != nil || again.Outcome != survey.Happy || again.DealID != d.ID {
			t.Fatalf("second happy %+v %v, want deal %s", again, err, d.ID)
		}
		ns, _, _ = f.app.Notifications(ctx, f.sales, store.NotificationFilter{Kind: inbox.NextSale}, store.Page{})
		if len(ns) != 2 || !strings.Contains(ns[0].Message, "is under way") {
			t.Fatalf("next sale notices %+v", ns)
		}
		open, _, _ := f.app.Deals(ctx, f.admin, store.DealFilter{AccountID: f.acc.ID, OpenOnly: true}, store.Page{})
		if len(open) != 1 {
			t.Fatalf("open deals %+v", open)
		}
		items, _, _ = f.app.Timeline(ctx, f.sales, f.acc.ID, event.Filter{}, store.Page{})
		found = false
		for _, it := range items {
			found = found || it.Event != nil && strings.Contains(event.Describe(it.Event, nil).Text, "NPS 9, everything as expected; the next sale is under way already")
		}
		if !found {
			t.Error("the timeline does not say the next sale was under way already")
		}
		// Once it is won, the next happy answer starts the next one.
		if _, err := f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: deal.Won}, 0); err != nil {
			t.Fatal(err)
		}
		if third, err := f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: send(), Answers: answers("yes", "yes", "yes", "10")}); err != nil ||
			third.DealID == "" || third.DealID == d.ID {
			t.Fatalf("after the deal was won %+v %v", third, err)
		}
		// The API path names the invitation; the list filters.
		inv, _ := f.app.SendSurvey(ctx, f.sales, survey.FollowUpID, f.contact.ID, "", "")
		_, err = f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{InvitationID: inv.ID, Answers: map[string]string{"nps": "x"}})
		wantKind(t, err, fault.Invalid)
		if _, err := f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{InvitationID: inv.ID, Answers: answers("yes", "yes", "yes", "7")}); err != nil {
			t.Fatal(err)
		}
		list, _, err := f.app.SurveyResponses(ctx, f.sales, store.ResponseFilter{AccountID: f.acc.ID}, store.Page{})
		if err != nil || len(list) != 6 || len(list[0].Answers) != 4 {
			t.Fatalf("responses %d %v", len(list), err)
		}
	})
}

func TestSurveyTemplateVersions(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		tpl, err := f.app.SurveyTemplate(ctx, f.sales, survey.FollowUpID)
		if err != nil || tpl.TemplateVersion != 1 {
			t.Fatal(tpl, err)
		}
		name := "Follow-up (short)"
		if _, err := f.app.UpdateSurveyTemplate(ctx, f.sales, tpl.ID, app.SurveyPatch{Name: &name}, 0); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("sales edit: %v", err)
		}
		// Unused: edited in place.
		tpl, err = f.app.UpdateSurveyTemplate(ctx, f.admin, tpl.ID, app.SurveyPatch{Name: &name}, tpl.Version)
		if err != nil || tpl.TemplateVersion != 1 {
			t.Fatal(tpl, err)
		}
		inv, _ := f.app.SendSurvey(ctx, f.sales, survey.FollowUpID, f.contact.ID, "", "")
		qs := append(tpl.Questions[:3:3], survey.Question{Key: "csat", Type: survey.CSAT, Label: "How satisfied are you?", Required: true})
		tpl, err = f.app.UpdateSurveyTemplate(ctx, f.admin, tpl.ID, app.SurveyPatch{Questions: &qs}, tpl.Version)
		if err != nil || tpl.TemplateVersion != 2 {
			t.Fatal(tpl, err)
		}
		// The invitation sent before keeps its questions.
		r, err := f.app.AnswerSurvey(ctx, access.Actor{}, app.AnswerInput{Token: tokenOf(t, inv.URL), Answers: answers("yes", "yes", "yes", "9")})
		if err != nil || r.TemplateVersion != 1 {
			t.Fatal(r, err)
		}
		bad := []survey.Question{{Key: "x", Type: "stars", Label: ""}}
		_, err = f.app.UpdateSurveyTemplate(ctx, f.admin, tpl.ID, app.SurveyPatch{Questions: &bad}, tpl.Version)
		wantKind(t, err, fault.Invalid)
	})
}

func TestSurveyFollowUpAndFatigue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		c1, err := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		if err != nil {
			t.Fatal(err)
		}
		fu, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c1.ID)
		if err != nil || fu.TaskID == "" || fu.InvitationID == "" || fu.SuppressedReason != "" || fu.OwnerID != f.sales.User.ID {
			t.Fatalf("follow-up %+v %v", fu, err)
		}
		// The call is on the owner's list: no "gave you a task" notice beside it.
		if ns, _, _ := f.app.Notifications(ctx, f.sales, store.NotificationFilter{Kind: inbox.TaskAssigned}, store.Page{}); len(ns) != 0 {
			t.Errorf("a follow-up's task was notified: %+v", ns)
		}
		// Once per cause.
		again, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c1.ID)
		if err != nil || again.ID != "" {
			t.Fatalf("twice: %+v %v", again, err)
		}
		// A second cause within 14 days: the task, but the invitation held back with its reason.
		f.tick(3 * 24 * time.Hour)
		c2, _ := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		fu2, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c2.ID)
		if err != nil || fu2.TaskID == "" || !strings.Contains(fu2.SuppressedReason, "3 days ago") || fu2.InvitationID == "" {
			t.Fatalf("fatigued %+v %v", fu2, err)
		}
		// The owner records the call's answers on the follow-up: the loop runs, the task is done.
		r, err := f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{FollowUpID: fu2.ID, Answers: answers("no", "yes", "yes", "8")})
		if err != nil || r.Channel != survey.ChannelPhone || r.CaseID == "" || r.FollowUpID != fu2.ID {
			t.Fatalf("phone %+v %v", r, err)
		}
		tk, _ := f.app.Task(ctx, f.sales, fu2.TaskID)
		if tk.Open() {
			t.Errorf("task still open: %+v", tk)
		}
		_, err = f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{FollowUpID: fu2.ID, Answers: answers("no", "yes", "yes", "8")})
		wantKind(t, err, fault.Conflict)
		// 14 days after the first: asked again.
		f.tick(11 * 24 * time.Hour)
		c3, _ := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		if fu3, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c3.ID); err != nil || fu3.SuppressedReason != "" {
			t.Fatalf("after 14 days %+v %v", fu3, err)
		}
		// A trigger switched off makes nothing.
		st, v, _ := f.app.SurveySettings(ctx, f.admin)
		st.Triggers = []survey.TriggerSetting{{Trigger: survey.CaseClosed, On: false, DelayHours: 24, TemplateID: survey.FollowUpID}}
		if _, _, err := f.app.SaveSurveySettings(ctx, f.admin, st, v); err != nil {
			t.Fatal(err)
		}
		c4, _ := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		if fu4, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c4.ID); err != nil || fu4.ID != "" {
			t.Fatalf("off: %+v %v", fu4, err)
		}
	})
}

func caseFor(accountID, contactID string) cases.Case {
	return cases.Case{AccountID: accountID, ContactID: contactID, Subject: "Late delivery", Category: "billing", Priority: "normal"}
}

// noChecks is a job queue that checks no SLA: the follow-ups scheduled
// wait in the store.
type noChecks struct{}

func (noChecks) ScheduleSLACheck(context.Context, *store.Tx, string, time.Time) error { return nil }

// scheduled lists the follow-ups waiting, soonest first, as "trigger
// cause-type due-time".
func scheduled(t *testing.T, s *store.Store) []string {
	t.Helper()
	due, err := s.DueFollowUps(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range due {
		out = append(out, d.Trigger+" "+d.CauseType+" "+d.DueAt.UTC().Format(time.RFC3339))
	}
	return out
}

// TestSurveyTriggersFireInTheCausingTransaction: closing a case, winning
// a deal, keeping a promise and delivering an order (not shipping it)
// schedule their follow-up after the
// trigger's delay.
func TestSurveyTriggersFireInTheCausingTransaction(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		f.app.SetScheduler(noChecks{})
		now := f.app.Now()
		c, _ := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		yes := true
		for _, tr := range []cases.Transition{{To: cases.Open}, {To: cases.Resolved, Solution: "Fixed"}, {To: cases.Closed, Confirmed: &yes}} {
			if _, err := f.app.TransitionCase(ctx, f.service, c.ID, tr, 0); err != nil {
				t.Fatal(err)
			}
		}
		d, err := f.app.CreateDeal(ctx, f.sales, deal.Deal{AccountID: f.acc.ID, Title: "Renewal", Amount: euro(1000)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.MoveDeal(ctx, f.sales, d.ID, deal.Transition{To: deal.Won}, 0); err != nil {
			t.Fatal(err)
		}
		p, err := f.app.MakePromise(ctx, f.sales, promise.Promise{AccountID: f.acc.ID, Kind: promise.Callback, Description: "I call you back",
			DueAt: now.Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.app.TransitionPromise(ctx, f.sales, p.ID, promise.Transition{To: promise.Kept, Evidence: "Called"}, nil, 0); err != nil {
			t.Fatal(err)
		}
		prod, err := f.app.CreateProduct(ctx, f.admin, order.Product{SKU: "W-1", Name: "Widget", UnitPrice: eur(1000), UnitCost: eur(600), Active: true})
		if err != nil {
			t.Fatal(err)
		}
		o, err := f.app.RecordOrder(ctx, f.sales, app.OrderInput{AccountID: f.acc.ID, Lines: []app.LineInput{{ProductID: prod.ID, Quantity: 2}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.TransitionOrder(ctx, f.sales, o.ID, order.Shipped, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		if got := scheduled(t, s); len(got) != 3 {
			t.Fatalf("shipping an order scheduled a follow-up: %v", got)
		}
		if _, err := f.app.TransitionOrder(ctx, f.sales, o.ID, order.Delivered, time.Time{}, 0); err != nil {
			t.Fatal(err)
		}
		day := now.Add(24 * time.Hour).Format(time.RFC3339)
		want := []string{"case_closed case " + day, "promise_kept promise " + day, "order_delivered order " + now.Add(72*time.Hour).Format(time.RFC3339),
			"deal_won deal " + now.Add(14*24*time.Hour).Format(time.RFC3339)}
		got := scheduled(t, s)
		slices.Sort(got)
		slices.Sort(want)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("scheduled %v, want %v", got, want)
		}
	})
}

// TestDueFollowUpsAreMadeOnceInTurn: the drain makes the follow-ups
// that are due and deletes their schedule with them; one due later
// waits; one scheduled twice is made once; a cause that is gone ends its
// schedule; two drains never claim the same one; a follow-up that keeps
// failing is claimed at most MaxFollowUpAttempts times.
func TestDueFollowUpsAreMadeOnceInTurn(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		now := f.app.Now()
		schedule := func(cause string, at time.Time) {
			t.Helper()
			if err := s.InTx(ctx, func(tx *store.Tx) error {
				return tx.ScheduleFollowUp(ctx, store.DueFollowUp{Trigger: survey.CaseClosed, CauseType: "case", CauseID: cause, DueAt: at})
			}); err != nil {
				t.Fatal(err)
			}
		}
		c1, _ := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		c2, _ := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		schedule(c1.ID, now.Add(-time.Minute))
		schedule(c1.ID, now.Add(time.Hour)) // kept: the first
		schedule(c2.ID, now.Add(time.Hour))
		schedule("gone", now.Add(-time.Hour))
		done, err := f.app.RunDueFollowUps(ctx, 10, time.Millisecond)
		if err != nil || done != 2 {
			t.Fatalf("drained %d, %v; want the due follow-up and the gone cause", done, err)
		}
		made, err := s.FollowUps(ctx, f.acc.ID, 10)
		if err != nil || len(made) != 1 || made[0].CauseID != c1.ID || made[0].TaskID == "" {
			t.Fatalf("follow-ups %+v, %v", made, err)
		}
		if got := scheduled(t, s); len(got) != 1 || got[0] != "case_closed case "+now.Add(time.Hour).UTC().Format(time.RFC3339) {
			t.Fatalf("still scheduled: %v", got)
		}
		if done, err := f.app.RunDueFollowUps(ctx, 10, time.Millisecond); err != nil || done != 0 {
			t.Fatalf("a second drain did %d, %v", done, err)
		}
		*f.clock = now.Add(2 * time.Hour)
		if done, err := f.app.RunDueFollowUps(ctx, 10, time.Millisecond); err != nil || done != 1 {
			t.Fatalf("the drain an hour later did %d, %v", done, err)
		}
		if got := scheduled(t, s); len(got) != 0 {
			t.Fatalf("still scheduled: %v", got)
		}

		at := f.app.Now()
		for i := range 5 {
			schedule(fmt.Sprintf("c%d", i), at)
		}
		claim := func(now time.Time, limit int) []store.DueFollowUp {
			t.Helper()
			var got []store.DueFollowUp
			if err := s.InTx(ctx, func(tx *store.Tx) (err error) {
				got, err = tx.ClaimDueFollowUps(ctx, now, now.Add(time.Minute), limit)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			return got
		}
		first, second := claim(at, 3), claim(at, 10)
		if len(first) != 3 || len(second) != 2 {
			t.Fatalf("claims of %d and %d of 5", len(first), len(second))
		}
		for _, d := range first {
			if slices.ContainsFunc(second, func(e store.DueFollowUp) bool { return e.CauseID == d.CauseID }) {
				t.Fatalf("%s claimed twice", d.CauseID)
			}
		}
		claims := len(first) + len(second)
		for later := at.Add(2 * time.Minute); ; later = later.Add(2 * time.Minute) {
			n := len(claim(later, 10))
			if n == 0 {
				break
			}
			if claims += n; claims > 5*store.MaxFollowUpAttempts {
				t.Fatalf("claimed %d times", claims)
			}
		}
		if claims != 5*store.MaxFollowUpAttempts {
			t.Fatalf("5 follow-ups claimed %d times, want %d each", claims, store.MaxFollowUpAttempts)
		}
	})
}

// TestOnlyTheirOwnersRecordTheAnswers: sales and service record the
// answers to a follow-up or survey that is theirs (they own it or the
// account, or sent the survey); another seller is refused and nothing is
// written; managers and admins record anyone's.
func TestOnlyTheirOwnersRecordTheAnswers(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		u, _, err := f.app.AddUser(ctx, access.System, app.NewUser{Email: "sue@example.com", Name: "Sue", Role: "sales", Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		other := access.Actor{User: u, Scope: access.ScopeWrite}
		c, err := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		if err != nil {
			t.Fatal(err)
		}
		fu, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c.ID)
		if err != nil || fu.OwnerID != f.sales.User.ID {
			t.Fatalf("follow-up %+v %v", fu, err)
		}
		_, err = f.app.AnswerSurvey(ctx, other, app.AnswerInput{FollowUpID: fu.ID, Answers: answers("no", "yes", "yes", "8")})
		if e := wantKind(t, err, fault.Forbidden); !strings.Contains(e.Error(), "account's owner") {
			t.Errorf("refusal %q", e.Error())
		}
		_, err = f.app.AnswerSurvey(ctx, other, app.AnswerInput{InvitationID: fu.InvitationID, Answers: answers("no", "yes", "yes", "8")})
		wantKind(t, err, fault.Forbidden)
		if got, _ := f.app.FollowUp(ctx, f.admin, fu.ID); got.ResponseID != "" {
			t.Fatalf("a refused caller's answers were kept: %+v", got)
		}
		if tk, _ := f.app.Task(ctx, f.sales, fu.TaskID); !tk.Open() {
			t.Fatalf("a refused caller completed the task: %+v", tk)
		}
		if rs, _, _ := f.app.SurveyResponses(ctx, f.admin, store.ResponseFilter{AccountID: f.acc.ID}, store.Page{}); len(rs) != 0 {
			t.Fatalf("responses %+v", rs)
		}
		// A manager records them.
		if r, err := f.app.AnswerSurvey(ctx, f.admin, app.AnswerInput{FollowUpID: fu.ID, Answers: answers("yes", "yes", "yes", "8")}); err != nil || r.RecordedByID != f.admin.User.ID {
			t.Fatalf("manager %+v %v", r, err)
		}
		// Who sent a survey by hand records its answers, though the account is not theirs.
		inv, err := f.app.SendSurvey(ctx, other, survey.FollowUpID, f.contact.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.AnswerSurvey(ctx, other, app.AnswerInput{InvitationID: inv.ID, Answers: answers("yes", "yes", "yes", "8")}); err != nil {
			t.Fatalf("sender: %v", err)
		}
	})
}
