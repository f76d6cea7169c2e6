package jobs

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/inbox"
	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
	"tandem/internal/sla"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

var quiet = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

// TestSLAAlertsFireOnTime opens a case with targets of seconds on a
// calendar that never closes; the owner hears that it is at risk and then
// breached, each within five seconds of the moment.
func TestSLAAlertsFireOnTime(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		always := sla.Calendar{Location: time.UTC}
		for d := range 7 {
			always.Week[d] = []sla.Span{{Start: 0, End: 24 * 60}}
		}
		policy := cases.Policy{Default: map[string]cases.Targets{"normal": {FirstResponse: 10 * time.Second, Resolution: 10 * time.Minute}}}
		a := app.New(s, app.WithCalendar(always), app.WithPolicy(policy))
		q, err := New(ctx, s, a, Config{Workers: 4, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		owner, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
		agent, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "val@example.com", Name: "Val", Role: "service", Password: "a long enough password"})
		sam, val := access.Actor{User: owner, Scope: access.ScopeAdmin}, access.Actor{User: agent, Scope: access.ScopeAdmin}
		acc, err := a.CreateAccount(ctx, sam, customer.Account{Name: "Northwind"}, false)
		if err != nil {
			t.Fatal(err)
		}
		c, err := a.OpenCase(ctx, val, cases.Case{AccountID: acc.ID, Subject: "Pallets short"})
		if err != nil {
			t.Fatal(err)
		}
		moments := map[string]time.Time{
			inbox.SLAAtRisk:   c.OpenedAt.Add(8 * time.Second),
			inbox.SLABreached: c.OpenedAt.Add(10 * time.Second),
		}
		seen := map[string]time.Time{}
		deadline := time.Now().Add(30 * time.Second)
		for len(seen) < 2 && time.Now().Before(deadline) {
			list, _, err := a.Notifications(ctx, sam, store.NotificationFilter{}, store.Page{})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range list {
				if _, ok := moments[n.Kind]; ok {
					seen[n.Kind] = n.CreatedAt
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		for kind, moment := range moments {
			at, ok := seen[kind]
			if !ok {
				t.Fatalf("no %s notification within 30 s", kind)
			}
			if late := at.Sub(moment); late < 0 || late > 5*time.Second {
				t.Errorf("%s arrived %v after its moment", kind, late)
			}
		}
		// Each alert comes once, however many checks run.
		if err := a.CheckSLA(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		list, _, _ := a.Notifications(ctx, sam, store.NotificationFilter{}, store.Page{})
		kinds := map[string]int{}
		for _, n := range list {
			kinds[n.Kind]++
		}
		if len(list) != 3 || kinds[inbox.CaseOpened] != 1 || kinds[inbox.SLAAtRisk] != 1 || kinds[inbox.SLABreached] != 1 {
			for _, n := range list {
				t.Log(n.Kind, n.Message, n.CreatedAt)
			}
			t.Fatalf("inbox: %v", kinds)
		}
	})
}

type countArgs struct {
	N int `json:"n"`
}

func (countArgs) Kind() string { return "count" }

type countWorker struct {
	river.WorkerDefaults[countArgs]
	mu   *sync.Mutex
	runs map[int]int
}

func (w *countWorker) Work(ctx context.Context, job *river.Job[countArgs]) error {
	w.mu.Lock()
	w.runs[job.Args.N]++
	w.mu.Unlock()
	return nil
}

// TestTwoProcessesRunEachJobOnce runs two queues (as two tandem serve
// processes would) on one PostgreSQL database and checks that each of 300
// jobs, enqueued in business transactions, is worked exactly once.
func TestTwoProcessesRunEachJobOnce(t *testing.T) {
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	var mu sync.Mutex
	runs := map[int]int{}
	open := func() (*store.Store, *Queue) {
		s, err := store.Open(ctx, "", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		q, err := New(ctx, s, app.New(s), Config{Workers: 8, Log: quiet, extra: func(w *river.Workers) {
			river.AddWorker(w, &countWorker{mu: &mu, runs: runs})
		}})
		if err != nil {
			t.Fatal(err)
		}
		return s, q
	}
	s1, q1 := open()
	_, q2 := open()
	const jobs = 300
	err := s1.InTx(ctx, func(tx *store.Tx) error {
		params := make([]river.InsertManyParams, jobs)
		for i := range params {
			params[i] = river.InsertManyParams{Args: countArgs{N: i}}
		}
		_, err := q1.client.InsertManyTx(ctx, tx.SQL(), params)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []*Queue{q1, q2} {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(runs)
		mu.Unlock()
		if n == jobs {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second) // a second run would show up now
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != jobs {
		t.Fatalf("%d of %d jobs ran", len(runs), jobs)
	}
	for n, times := range runs {
		if times != 1 {
			t.Fatalf("job %d ran %d times", n, times)
		}
	}
}

// TestPlannerSchedulesLaterMoments: opening a case whose first moment is
// hours away enqueues nothing; the planner enqueues the check once the
// moment comes within app.PlanAhead, for exactly that moment, once.
func TestPlannerSchedulesLaterMoments(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC) // a Monday, office hours in UTC
		a := app.New(s, app.WithClock(func() time.Time { return now }))
		if _, err := New(ctx, s, a, Config{Log: quiet}); err != nil { // enqueues only
			t.Fatal(err)
		}
		sam, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
		acc, _ := a.CreateAccount(ctx, access.Actor{User: sam, Scope: access.ScopeAdmin}, customer.Account{Name: "Contoso"}, false)
		c, err := a.OpenCase(ctx, access.Actor{User: sam, Scope: access.ScopeAdmin}, cases.Case{AccountID: acc.ID, Subject: "Invoice wrong", Priority: "normal"})
		if err != nil {
			t.Fatal(err)
		}
		checks := func() []SLACheckArgs {
			rows, err := s.JobsDB().QueryContext(ctx, `SELECT args FROM river_job WHERE kind = 'sla_check' ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []SLACheckArgs
			for rows.Next() {
				var raw []byte
				rows.Scan(&raw)
				var args SLACheckArgs
				json.Unmarshal(raw, &args)
				out = append(out, args)
			}
			return out
		}
		if got := checks(); len(got) != 0 {
			t.Fatalf("a case due in hours enqueued checks at once: %+v", got)
		}
		now = now.Add(2 * time.Hour) // normal first response: 4h, at risk at 3h12m: still 72 min away
		if err := a.PlanChecks(ctx); err != nil {
			t.Fatal(err)
		}
		if got := checks(); len(got) != 0 {
			t.Fatalf("planned too early: %+v", got)
		}
		now = now.Add(70 * time.Minute) // 2 minutes before the at-risk moment
		for range 2 {
			if err := a.PlanChecks(ctx); err != nil {
				t.Fatal(err)
			}
		}
		got := checks()
		if len(got) != 1 || got[0].CaseID != c.ID || !got[0].At.Equal(c.OpenedAt.Add(3*time.Hour+12*time.Minute)) {
			t.Fatalf("planned %+v, want one check at 12:12", got)
		}
	})
}

// TestOutboxIsSentByTheQueue: with a mailer, the owner's notification
// reaches a real SMTP server within seconds of the case opening, once,
// even with two processes on the database.
func TestOutboxIsSentByTheQueue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := mailtest.Start(t)
		sender, err := mail.New(srv.URL, "tandem@example.com")
		if err != nil {
			t.Fatal(err)
		}
		a := app.New(s, app.WithEmail("https://tandem.example"))
		for range 2 {
			q, err := New(ctx, s, a, Config{Workers: 2, Log: quiet, Mailer: sender})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { q.Stop(context.Background()) })
		}
		owner, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "sam@example.com", Name: "Sam", Role: "sales", Password: "a long enough password"})
		agent, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "val@example.com", Name: "Val", Role: "service", Password: "a long enough password"})
		acc, _ := a.CreateAccount(ctx, access.Actor{User: owner, Scope: access.ScopeWrite}, customer.Account{Name: "Fabrikam"}, false)
		if _, err := a.OpenCase(ctx, access.Actor{User: agent, Scope: access.ScopeWrite}, cases.Case{AccountID: acc.ID, Subject: "Invoice wrong"}); err != nil {
			t.Fatal(err)
		}
		got := srv.Wait(t, 1, 10*time.Second)
		if got[0].To != "sam@example.com" || !strings.Contains(got[0].Subject, "Fabrikam") {
			t.Fatalf("received %+v", got[0])
		}
		time.Sleep(2 * EmailEvery)
		if n := len(srv.Messages()); n != 1 {
			t.Fatalf("%d messages, want 1", n)
		}
	})
}

var _ app.DueScheduler = (*Queue)(nil)

// TestPolicyChangeReachesEveryOpenCase changes the policy over more open
// cases than one transaction recomputes: the save does the first batch,
// the jobs it leaves the rest, and every open case takes the new target.
func TestPolicyChangeReachesEveryOpenCase(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := app.New(s)
		q, err := New(ctx, s, a, Config{Workers: 2, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		admin, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "ada@example.com", Name: "Ada", Role: "admin", Password: "a long enough password"})
		ada := access.Actor{User: admin, Scope: access.ScopeAdmin}
		acc, err := a.CreateAccount(ctx, ada, customer.Account{Name: "Northwind"}, false)
		if err != nil {
			t.Fatal(err)
		}
		for range app.RedueBatch + 20 {
			if _, err := a.OpenCase(ctx, ada, cases.Case{AccountID: acc.ID, Subject: "Pallets short"}); err != nil {
				t.Fatal(err)
			}
		}
		pol, _ := a.Policy(ctx, ada)
		pol.Spec.Targets["normal"] = cases.TargetSpec{FirstResponse: "1h", Resolution: "24h"}
		if _, err := a.SavePolicy(ctx, ada, pol, pol.Version); err != nil {
			t.Fatal(err)
		}
		old := 0
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			list, err := s.UnfinishedCases(ctx, "", 10_000)
			if err != nil {
				t.Fatal(err)
			}
			old = 0
			for _, c := range list {
				if c.Clocks.FirstResponseTarget != time.Hour {
					old++
				}
			}
			if old == 0 {
				return
			}
		}
		t.Fatalf("%d open cases kept the old target", old)
	})
}

// TestTriggeredFollowUpsAreMadeByTheQueue: a case closed with the
// trigger's delay at 0 has its follow-up made by the queue's drain within
// a couple of its runs, and its schedule is gone; one due later waits.
func TestTriggeredFollowUpsAreMadeByTheQueue(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := app.New(s)
		q, err := New(ctx, s, a, Config{Workers: 2, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		add := func(email, role string) access.Actor {
			u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: email, Name: role, Role: role, Password: "a long enough password"})
			if err != nil {
				t.Fatal(err)
			}
			return access.Actor{User: u, Scope: access.ScopeAdmin}
		}
		mia, sam, val := add("mia@example.com", "manager"), add("sam@example.com", "sales"), add("val@example.com", "service")
		settings, version, err := a.SurveySettings(ctx, mia)
		if err != nil {
			t.Fatal(err)
		}
		for i := range settings.Triggers {
			if settings.Triggers[i].Trigger == survey.CaseClosed {
				settings.Triggers[i].On, settings.Triggers[i].DelayHours = true, 0
			}
		}
		if _, _, err := a.SaveSurveySettings(ctx, mia, settings, version); err != nil {
			t.Fatal(err)
		}
		acc, err := a.CreateAccount(ctx, sam, customer.Account{Name: "Northwind"}, false)
		if err != nil {
			t.Fatal(err)
		}
		c, err := a.OpenCase(ctx, val, cases.Case{AccountID: acc.ID, Subject: "Pallets short"})
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		for _, tr := range []cases.Transition{{To: cases.Open}, {To: cases.Resolved, Solution: "Sent the rest"}, {To: cases.Closed, Confirmed: &yes}} {
			if _, err := a.TransitionCase(ctx, val, c.ID, tr, 0); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.ScheduleFollowUp(ctx, store.DueFollowUp{Trigger: survey.DealWon, CauseType: "deal", CauseID: "later", DueAt: time.Now().Add(time.Hour)})
		}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(3*FollowUpsEvery + 5*time.Second)
		for {
			made, err := s.FollowUps(ctx, acc.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(made) == 1 && made[0].CauseID == c.ID && made[0].OwnerID == sam.User.ID {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no follow-up made by the queue: %+v", made)
			}
			time.Sleep(100 * time.Millisecond)
		}
		due, err := s.DueFollowUps(ctx, 10)
		if err != nil || len(due) != 1 || due[0].CauseID != "later" {
			t.Fatalf("scheduled after the drain: %+v, %v", due, err)
		}
	})
}
