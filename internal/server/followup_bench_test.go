package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/jobs"
	"tandem/internal/load"
	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
	"tandem/internal/money"
	"tandem/internal/order"
	"tandem/internal/server"
	"tandem/internal/store/storetest"
	"tandem/internal/survey"
)

// drainOrders is how many orders are delivered at once.
const drainOrders = 10_000

// BenchmarkFollowUpDrain delivers 10,000 orders at once on SQLite with
// the order_delivered trigger on and its delay 0, and measures what the
// follow-ups that fire cost the people using Tandem meanwhile. The book:
// 10,000 accounts (owned by 10 salespeople), each with a contact with an
// email address and one placed order; the job queue runs as `serve` runs
// it (River, 10 workers) and sends the outbox to a real SMTP server
// (mailtest). Interactive load is paced, as people are: 16 clients, each
// one request every 50 ms (320/s), half reading an account
// (GET /api/v1/accounts/{id}), half logging an interaction
// (POST /api/v1/interactions). It is measured for 30 s alone,
// then from the moment the deliveries start until the drain is over (every
// follow-up made, every invitation received by the SMTP server),
// reported whole and in its two phases (while the deliveries are posted,
// then the drain after them), and alone again once drained; the load
// average of the shared machine over the drain is reported beside.
// The deliveries go through the API (POST /api/v1/orders/{id}/transitions,
// 8 clients); 500 orders delivered first with the trigger off give the
// transition's latency without it.
//
// Run it alone (about 10 minutes): go test -run '^$' -bench FollowUpDrain -benchtime 1x -timeout 1h ./internal/server/
func BenchmarkFollowUpDrain(b *testing.B) {
	for range b.N {
		benchFollowUpDrain(b)
	}
}

func benchFollowUpDrain(b *testing.B) {
	b.StopTimer()
	s := storetest.SQLite(b)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(s, app.WithEmail("https://tandem.example"), app.WithLogger(quiet))
	ctx := context.Background()
	smtp := mailtest.Start(b)
	sender, err := mail.New(smtp.URL, "tandem@example.com")
	if err != nil {
		b.Fatal(err)
	}
	q, err := jobs.New(ctx, s, a, jobs.Config{Workers: 10, Log: quiet, Mailer: sender})
	if err != nil {
		b.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		b.Fatal(err)
	}
	defer q.Stop(context.Background())

	m, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: "mia@example.com", Name: "Mia", Role: "manager", Password: "a long enough password"})
	if err != nil {
		b.Fatal(err)
	}
	manager := access.Actor{User: m, Scope: access.ScopeAdmin}
	_, secret, _ := a.CreateToken(ctx, access.System, app.NewToken{UserID: m.ID})
	var reps []access.Actor
	for i := range 10 {
		u, _, err := a.AddUser(ctx, access.System, app.NewUser{Email: fmt.Sprintf("rep%d@example.com", i), Name: fmt.Sprintf("Rep %d", i), Role: "sales", Password: "a long enough password"})
		if err != nil {
			b.Fatal(err)
		}
		reps = append(reps, access.Actor{User: u, Scope: access.ScopeWrite})
	}
	p, err := a.CreateProduct(ctx, manager, order.Product{SKU: "D-1", Name: "Drain product", UnitPrice: money.Money{Minor: 5000, Currency: "EUR"},
		UnitCost: money.Money{Minor: 3000, Currency: "EUR"}, Active: true})
	if err != nil {
		b.Fatal(err)
	}
	settings, version, err := a.SurveySettings(ctx, manager)
	if err != nil {
		b.Fatal(err)
	}
	setTrigger := func(on bool) {
		for i := range settings.Triggers {
			if settings.Triggers[i].Trigger == survey.OrderDelivered {
				settings.Triggers[i].On, settings.Triggers[i].DelayHours = on, 0
			}
		}
		if settings, version, err = a.SaveSurveySettings(ctx, manager, settings, version); err != nil {
			b.Fatal(err)
		}
	}
	setTrigger(false)

	// The book, 16 writers at once.
	start := time.Now()
	const extra = 500 // delivered with the trigger off, for the transition's own latency
	accounts := make([]string, drainOrders+extra)
	orders := make([]string, drainOrders+extra)
	var wg sync.WaitGroup
	var failed atomic.Value
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < len(accounts); i += 16 {
				rep := reps[i%len(reps)]
				acc, err := a.CreateAccount(ctx, rep, customer.Account{Name: fmt.Sprintf("Drain %05d", i), OwnerID: rep.User.ID}, true)
				if err == nil {
					_, err = a.CreateContact(ctx, rep, customer.Contact{AccountID: acc.ID, Name: fmt.Sprintf("Buyer %05d", i), Email: fmt.Sprintf("buyer%05d@customer.example", i)}, true)
				}
				var o order.Order
				if err == nil {
					o, err = a.RecordOrder(ctx, rep, app.OrderInput{AccountID: acc.ID, Lines: []app.LineInput{{ProductID: p.ID, Quantity: 1}}})
				}
				if err != nil {
					failed.Store(err)
					return
				}
				accounts[i], orders[i] = acc.ID, o.ID
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.Logf("book: %d accounts, contacts and placed orders in %s", len(accounts), time.Since(start).Round(time.Second))

	srv := httptest.NewServer(server.New(a, quiet, server.Options{}))
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	// The transition alone, trigger off.
	deliver := func(ids []string) load.Result {
		var next atomic.Int64
		res := load.Run(addr, secret, 8, time.Hour, len(ids), load.Shape{Name: "deliveries", Want: http.StatusOK, Next: func(c, i int) load.Request {
			return load.Request{Method: "POST", Path: "/api/v1/orders/" + ids[next.Add(1)-1] + "/transitions", Body: []byte(`{"to":"delivered"}`)}
		}})
		if res.Errors > 0 {
			b.Fatalf("%d deliveries failed, the first: %s", res.Errors, res.FirstError)
		}
		return res
	}
	off := deliver(orders[drainOrders:])
	setTrigger(true)

	// Interactive load alone.
	const window = 30 * time.Second
	aloneRun := paced(b, srv.URL, secret, accounts, func() bool { return false }, window)
	alone := aloneRun.all()

	// The same while 10,000 orders are delivered and their follow-ups drain.
	b.StartTimer()
	var drained atomic.Bool
	during := make(chan pacedRun, 1)
	go func() { during <- paced(b, srv.URL, secret, accounts, drained.Load, 0) }()
	load := sampleLoad(drained.Load)
	t0 := time.Now()
	on := deliver(orders[:drainOrders])
	delivered := time.Since(t0)
	jobsDone, emailsDone := waitDrain(b, s.JobsDB(), smtp, t0, 30*time.Minute)
	drained.Store(true)
	b.StopTimer()
	run := <-during
	d := run.all()
	// The deliveries' 13 s or so, and the drain after them; the reads and
	// the writes of the drain apart (a read never waits for the writer).
	dd, dr := run.between(run.start, t0.Add(delivered)), run.between(t0.Add(delivered), run.end)
	drainGet, drainPost := run.only(false).between(t0.Add(delivered), run.end), run.only(true).between(t0.Add(delivered), run.end)
	machine := <-load
	// Alone again once drained: the machine is shared, and its load over
	// the drain's minutes is not that of the first window.
	afterRun := paced(b, srv.URL, secret, accounts, func() bool { return false }, window)
	after := afterRun.all()
	// Both windows alone as one baseline: the book has grown by the drain's
	// follow-ups, tasks and invitations between them.
	both := pacedRun{start: aloneRun.start, end: afterRun.end, at: slices.Concat(aloneRun.at, afterRun.at), took: slices.Concat(aloneRun.took, afterRun.took),
		write: slices.Concat(aloneRun.write, afterRun.write)}
	alone2, alone2Get, alone2Post := both.all(), both.only(false).all(), both.only(true).all()

	slow := func(with, without float64) float64 { return 100 * (with/without - 1) }
	b.ReportMetric(off.P50, "transition-off-p50-ms")
	b.ReportMetric(off.P99, "transition-off-p99-ms")
	b.ReportMetric(on.P50, "transition-on-p50-ms")
	b.ReportMetric(on.P99, "transition-on-p99-ms")
	b.ReportMetric(delivered.Seconds(), "deliver-s")
	b.ReportMetric(jobsDone.Seconds(), "followups-done-s")
	b.ReportMetric(emailsDone.Seconds(), "drain-s")
	b.ReportMetric(alone.p50, "alone-p50-ms")
	b.ReportMetric(alone.p99, "alone-p99-ms")
	b.ReportMetric(alone.rate, "alone-req/s")
	b.ReportMetric(d.p50, "during-p50-ms")
	b.ReportMetric(d.p99, "during-p99-ms")
	b.ReportMetric(d.rate, "during-req/s")
	b.ReportMetric(dd.p50, "deliveries-p50-ms")
	b.ReportMetric(dd.p99, "deliveries-p99-ms")
	b.ReportMetric(alone.p95, "alone-p95-ms")
	b.ReportMetric(alone.mean, "alone-mean-ms")
	b.ReportMetric(dr.p95, "drain-p95-ms")
	b.ReportMetric(dr.mean, "drain-mean-ms")
	b.ReportMetric(after.p95, "after-p95-ms")
	b.ReportMetric(slow(dr.p95, alone.p95), "slowdown-drain-p95-%")
	b.ReportMetric(slow(dr.mean, alone.mean), "slowdown-drain-mean-%")
	b.ReportMetric(dr.p50, "drain-p50-ms")
	b.ReportMetric(dr.p99, "drain-p99-ms")
	b.ReportMetric(dr.rate, "drain-req/s")
	b.ReportMetric(drainGet.p99, "drain-get-p99-ms")
	b.ReportMetric(drainPost.p99, "drain-post-p99-ms")
	b.ReportMetric(after.p50, "after-p50-ms")
	b.ReportMetric(after.p99, "after-p99-ms")
	b.ReportMetric(machine, "loadavg")
	b.ReportMetric(slow(d.p50, alone.p50), "slowdown-p50-%")
	b.ReportMetric(slow(d.p99, alone.p99), "slowdown-p99-%")
	b.ReportMetric(slow(alone.rate, d.rate), "slowdown-rate-%")
	b.ReportMetric(slow(dd.p99, alone.p99), "slowdown-deliveries-p99-%")
	b.ReportMetric(slow(dr.p50, alone.p50), "slowdown-drain-p50-%")
	b.ReportMetric(slow(dr.p99, alone.p99), "slowdown-drain-p99-%")
	b.ReportMetric(slow(dr.p99, alone2.p99), "slowdown-drain-p99-vs-both-%")
	b.ReportMetric(slow(dr.p95, alone2.p95), "slowdown-drain-p95-vs-both-%")
	b.Logf("transition p50/p99 %.2f/%.2f ms off, %.2f/%.2f ms on; delivered in %s, follow-ups done at %s, invitations sent at %s; "+
		"interactive alone p50/p95/p99/mean %.2f/%.2f/%.2f/%.2f ms %.0f/s (%d), during p50/p99 %.2f/%.2f ms %.0f/s (%d): "+
		"while delivering %.2f/%.2f ms (%d), while draining p50/p95/p99/mean %.2f/%.2f/%.2f/%.2f ms (%d; reads p99 %.2f, writes p99 %.2f); "+
		"alone after p50/p95/p99 %.2f/%.2f/%.2f ms; both alone windows p50/p95/p99 %.2f/%.2f/%.2f ms (reads p99 %.2f, writes p99 %.2f); "+
		"load average %.1f over the drain",
		off.P50, off.P99, on.P50, on.P99, delivered.Round(time.Millisecond), jobsDone.Round(time.Millisecond), emailsDone.Round(time.Millisecond),
		alone.p50, alone.p95, alone.p99, alone.mean, alone.rate, alone.n, d.p50, d.p99, d.rate, d.n, dd.p50, dd.p99, dd.n,
		dr.p50, dr.p95, dr.p99, dr.mean, dr.n, drainGet.p99, drainPost.p99, after.p50, after.p95, after.p99,
		alone2.p50, alone2.p95, alone2.p99, alone2Get.p99, alone2Post.p99, machine)
}

// waitDrain waits until every follow-up is made and every invitation has
// reached the SMTP server, and says when each was so. It looks twice a
// second, at little cost: it competes with the interactive requests for
// the same two cores (copying the messages received ten times a second
// took as much CPU as the whole drain).
func waitDrain(b *testing.B, db *sql.DB, smtp *mailtest.Server, t0 time.Time, limit time.Duration) (madeAt, emailsDone time.Duration) {
	invitation := func(m mailtest.Received) bool { return strings.HasSuffix(m.To, "@customer.example") }
	for time.Since(t0) < limit {
		if madeAt == 0 {
			// Every follow-up was scheduled with its delivery: none is
			// left once none waits.
			var left int
			if err := db.QueryRow(`SELECT count(*) FROM survey_follow_ups_due`).Scan(&left); err != nil {
				b.Fatal(err)
			}
			if left == 0 {
				madeAt = time.Since(t0)
			}
		}
		if madeAt != 0 && smtp.Count(invitation) >= drainOrders {
			emailsDone = time.Since(t0)
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM survey_follow_ups WHERE trigger = 'order_delivered'`).Scan(&n); err != nil || n < drainOrders {
				b.Fatalf("%d follow-ups made (%v), want %d", n, err, drainOrders)
			}
			return madeAt, emailsDone
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.Fatalf("not drained in %s", limit)
	return
}

// sampleLoad averages the machine's 1-minute load average, read every
// 5 s, until stop says so.
func sampleLoad(stop func() bool) <-chan float64 {
	out := make(chan float64, 1)
	go func() {
		sum, n := 0.0, 0
		for ; !stop(); time.Sleep(5 * time.Second) {
			var l float64
			if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
				if _, err := fmt.Sscan(string(raw), &l); err == nil {
					sum, n = sum+l, n+1
				}
			}
		}
		out <- sum / float64(max(n, 1))
	}()
	return out
}

type pacedResult struct {
	p50, p95, p99, mean, rate float64
	n                         int
}

// pacedRun is every interactive request of a run: when it went and how
// long it took.
type pacedRun struct {
	start, end time.Time
	at         []time.Time
	took       []time.Duration
	write      []bool // a POST
}

// only is the run's writes, or its reads.
func (r pacedRun) only(write bool) pacedRun {
	out := pacedRun{start: r.start, end: r.end}
	for i := range r.at {
		if r.write[i] == write {
			out.at, out.took = append(out.at, r.at[i]), append(out.took, r.took[i])
		}
	}
	return out
}

func (r pacedRun) all() pacedResult { return r.between(r.start, r.end) }

// between is the latency and rate of the requests that went from from
// until to.
func (r pacedRun) between(from, to time.Time) pacedResult {
	var lat []time.Duration
	for i, at := range r.at {
		if !at.Before(from) && at.Before(to) {
			lat = append(lat, r.took[i])
		}
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	mean := 0.0
	if len(lat) > 0 {
		mean = float64((sum / time.Duration(len(lat))).Microseconds()) / 1000
	}
	return pacedResult{p50: q(0.5), p95: q(0.95), p99: q(0.99), mean: mean, rate: float64(len(lat)) / to.Sub(from).Seconds(), n: len(lat)}
}

// paced sends interactive requests from 16 clients, each one every 50 ms
// (a late one goes at once), half GET /api/v1/accounts/{id}, half
// POST /api/v1/interactions, for d or, when d is 0, until stop says so.
func paced(b *testing.B, base, secret string, accounts []string, stop func() bool, d time.Duration) pacedRun {
	const clients, every = 16, 50 * time.Millisecond
	var mu sync.Mutex
	var run pacedRun
	var wg sync.WaitGroup
	start := time.Now()
	done := func() bool {
		if d > 0 {
			return time.Since(start) >= d
		}
		return stop()
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	for c := range clients {
		wg.Go(func() {
			at, took := make([]time.Time, 0, 1024), make([]time.Duration, 0, 1024)
			var write []bool
			next := time.Now().Add(time.Duration(c) * every / clients)
			for i := 0; !done(); i++ {
				if w := time.Until(next); w > 0 {
					time.Sleep(w)
				}
				next = next.Add(every)
				acc := accounts[(c*7919+i*31)%len(accounts)]
				var req *http.Request
				want := http.StatusOK
				if c%2 == 0 {
					req, _ = http.NewRequest("GET", base+"/api/v1/accounts/"+acc, nil)
				} else {
					req, _ = http.NewRequest("POST", base+"/api/v1/interactions", bytes.NewReader([]byte(`{"account_id":"`+acc+`","channel":"phone","direction":"out","summary":"Checked the delivery"}`)))
					req.Header.Set("Content-Type", "application/json")
					want = http.StatusCreated
				}
				req.Header.Set("Authorization", "Bearer "+secret)
				t0 := time.Now()
				res, err := hc.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					b.Errorf("%s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, body)
					return
				}
				at, took = append(at, t0), append(took, time.Since(t0))
				write = append(write, req.Method == "POST")
			}
			mu.Lock()
			run.at, run.took = append(run.at, at...), append(run.took, took...)
			run.write = append(run.write, write...)
			mu.Unlock()
		})
	}
	wg.Wait()
	run.start, run.end = start, time.Now()
	return run
}
