package app_test

import (
	"context"
	"testing"

	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// TestSurveyAnswersMatchTheirFollowUp: answers recorded for a follow-up
// and an invitation together are refused unless the invitation is the
// follow-up's own — whichever of the two has the other's id, an invitation
// sent by hand, or one of another account — and nothing is written: the
// follow-up stays unanswered, its call open, the invitation's link usable.
func TestSurveyAnswersMatchTheirFollowUp(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		other, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Fabrikam"}, false)
		if err != nil {
			t.Fatal(err)
		}
		bob, err := f.app.CreateContact(ctx, f.sales, customer.Contact{AccountID: other.ID, Name: "Bob Roe", Email: "bob@fabrikam.example"}, false)
		if err != nil {
			t.Fatal(err)
		}
		c1, err := f.app.OpenCase(ctx, f.service, caseFor(f.acc.ID, f.contact.ID))
		if err != nil {
			t.Fatal(err)
		}
		fuA, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c1.ID)
		if err != nil || fuA.InvitationID == "" {
			t.Fatalf("follow-up %+v %v", fuA, err)
		}
		c2, err := f.app.OpenCase(ctx, f.service, caseFor(other.ID, bob.ID))
		if err != nil {
			t.Fatal(err)
		}
		fuB, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c2.ID)
		if err != nil || fuB.InvitationID == "" {
			t.Fatalf("follow-up %+v %v", fuB, err)
		}
		byHand, err := f.app.SendSurvey(ctx, f.sales, survey.FollowUpID, bob.ID, "", "")
		if err != nil {
			t.Fatal(err)
		}
		// A follow-up without an invitation of its own (the task only).
		bare, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		if err != nil {
			t.Fatal(err)
		}
		c3, err := f.app.OpenCase(ctx, f.service, caseFor(bare.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		fuC, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c3.ID)
		if err != nil || fuC.InvitationID != "" {
			t.Fatalf("follow-up without a contact %+v %v", fuC, err)
		}
		for _, tc := range []struct{ name, followUp, invitation string }{
			{"another account's follow-up's invitation", fuA.ID, fuB.InvitationID},
			{"an invitation sent by hand", fuA.ID, byHand.ID},
			{"a follow-up without an invitation, with another's", fuC.ID, fuA.InvitationID},
			{"a follow-up without an invitation, with one sent by hand", fuC.ID, byHand.ID},
		} {
			_, err := f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{FollowUpID: tc.followUp, InvitationID: tc.invitation,
				Answers: answers("no", "yes", "yes", "8")})
			if e, ok := fault.As(err); !ok || e.Kind != fault.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != "invitation_id" {
				t.Fatalf("%s: want a 422 on invitation_id, got %v", tc.name, err)
			}
		}
		for _, fu := range []survey.FollowUp{fuA, fuB, fuC} {
			got, err := f.app.FollowUp(ctx, f.sales, fu.ID)
			if err != nil || got.ResponseID != "" {
				t.Errorf("follow-up %s answered: %+v %v", fu.ID, got, err)
			}
			if tk, err := f.app.Task(ctx, f.sales, fu.TaskID); err != nil || !tk.Open() {
				t.Errorf("follow-up %s: its call is no longer open: %+v %v", fu.ID, tk, err)
			}
		}
		for _, id := range []string{fuA.InvitationID, fuB.InvitationID, byHand.ID} {
			if inv, err := s.SurveyInvitation(ctx, id); err != nil || !inv.AnsweredAt.IsZero() {
				t.Errorf("invitation %s answered: %+v %v", id, inv, err)
			}
		}
		// The pair that belongs together is recorded.
		r, err := f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{FollowUpID: fuB.ID, InvitationID: fuB.InvitationID, Answers: answers("yes", "yes", "yes", "8")})
		if err != nil || r.FollowUpID != fuB.ID || r.InvitationID != fuB.InvitationID || r.AccountID != other.ID {
			t.Fatalf("matching pair: %+v %v", r, err)
		}
	})
}

// TestFollowUpAnsweredOnce: two owners (or two tabs) recording the
// answers of one follow-up at the same moment: one is recorded, the other
// told it was answered, and the loop runs once — on both engines, where
// PostgreSQL's transactions do not wait for each other's reads.
func TestFollowUpAnsweredOnce(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		f := surveySetup(t, s)
		ctx := context.Background()
		bare, err := f.app.CreateAccount(ctx, f.sales, customer.Account{Name: "Northwind"}, false)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 5 {
			c, err := f.app.OpenCase(ctx, f.service, caseFor(bare.ID, ""))
			if err != nil {
				t.Fatal(err)
			}
			fu, err := f.app.RunFollowUp(ctx, survey.CaseClosed, "case", c.ID)
			if err != nil || fu.InvitationID != "" {
				t.Fatalf("follow-up %+v %v", fu, err)
			}
			const n = 4
			errs := make(chan error, n)
			start := make(chan struct{})
			for range n {
				go func() {
					<-start
					_, err := f.app.AnswerSurvey(ctx, f.sales, app.AnswerInput{FollowUpID: fu.ID, Answers: answers("no", "yes", "yes", "3")})
					errs <- err
				}()
			}
			close(start)
			ok := 0
			for range n {
				switch err := <-errs; {
				case err == nil:
					ok++
				case fault.KindOf(err) != fault.Conflict:
					t.Fatalf("round %d: %v", round, err)
				}
			}
			rs, _, err := f.app.SurveyResponses(ctx, f.sales, store.ResponseFilter{AccountID: bare.ID}, store.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if ok != 1 || len(rs) != round+1 {
				t.Fatalf("round %d: %d answers recorded, %d responses at the account; want 1 and %d", round, ok, len(rs), round+1)
			}
		}
	})
}
