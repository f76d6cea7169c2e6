package jobs

import (
	"context"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/inbox"
	"tandem/internal/promise"
	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

// TestPromiseGoesOverdueOnTime makes a promise due in two seconds on the
// real queue; it is overdue, and its maker and the account's owner are
// told, within five seconds of its due moment.
func TestPromiseGoesOverdueOnTime(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := app.New(s)
		q, err := New(ctx, s, a, Config{Workers: 4, Log: quiet})
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		owner, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "olga@example.com", Name: "Olga", Role: "sales", Password: "a long enough password"})
		maker, _, _ := a.AddUser(ctx, access.System, app.NewUser{Email: "val@example.com", Name: "Val", Role: "service", Password: "a long enough password"})
		olga, val := access.Actor{User: owner, Scope: access.ScopeAdmin}, access.Actor{User: maker, Scope: access.ScopeAdmin}
		acc, err := a.CreateAccount(ctx, olga, customer.Account{Name: "Contoso"}, false)
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.MakePromise(ctx, val, promise.Promise{AccountID: acc.ID, Kind: promise.Callback, Description: "A call back in two seconds",
			DueAt: time.Now().Add(2 * time.Second)})
		if err != nil {
			t.Fatal(err)
		}
		told := map[string]time.Time{}
		deadline := time.Now().Add(30 * time.Second)
		for len(told) < 2 && time.Now().Before(deadline) {
			for _, who := range []access.Actor{olga, val} {
				list, _, err := a.Notifications(ctx, who, store.NotificationFilter{}, store.Page{})
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range list {
					if n.Kind == inbox.PromiseOverdue && n.SubjectID == p.ID {
						told[who.User.ID] = n.CreatedAt
					}
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		for _, who := range []access.Actor{olga, val} {
			at, ok := told[who.User.ID]
			if !ok {
				t.Fatalf("%s was not told within 30 s", who.User.Name)
			}
			if late := at.Sub(p.DueAt); late < 0 || late > 5*time.Second {
				t.Errorf("%s was told %v after the due moment", who.User.Name, late)
			}
		}
		got, err := a.Promise(ctx, val, p.ID)
		if err != nil || got.Status != promise.Overdue || got.OverdueAt.Sub(p.DueAt) > 5*time.Second {
			t.Fatalf("the promise: %+v %v", got, err)
		}
	})
}
