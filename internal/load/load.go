// Package load drives an HTTP server the way many clients would: each
// client writes prepared HTTP/1.1 requests on its own keep-alive
// connection and reads only the status and body, so that the load
// generator takes little of the machine it measures. `tandem bench` and
// the API benchmarks use it.
package load

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request a client sends.
type Request struct {
	Method string
	Path   string
	Body   []byte // JSON, or nil
}

// Shape is one kind of load: its requests and the status that counts as
// success.
type Shape struct {
	Name string
	// Next returns client c's i-th request.
	Next func(c, i int) Request
	Want int
}

// Result is what a run measured.
type Result struct {
	Name       string  `json:"name"`
	Throughput float64 `json:"throughput"` // successful requests per second
	P50        float64 `json:"p50_ms"`
	P95        float64 `json:"p95_ms"`
	P99        float64 `json:"p99_ms"`
	Errors     int     `json:"errors"`
	Requests   int     `json:"requests"`
	FirstError string  `json:"first_error,omitempty"`
}

// Run sends a shape's requests from clients connections to addr (host:port)
// with a bearer token, until total requests have been sent or d has
// passed, whichever is first (total 0: only d counts).
func Run(addr, token string, clients int, d time.Duration, total int, s Shape) Result {
	var (
		mu        sync.Mutex
		latencies []time.Duration
		errs      int
		firstErr  string
		sent      atomic.Int64
		wg        sync.WaitGroup
	)
	fail := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		errs++
		if firstErr == "" {
			firstErr = msg
		}
	}
	deadline := time.Now().Add(d)
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				fail(err.Error())
				return
			}
			defer conn.Close()
			r := bufio.NewReader(conn)
			var buf bytes.Buffer
			own := make([]time.Duration, 0, 1024)
			defer func() {
				mu.Lock()
				latencies = append(latencies, own...)
				mu.Unlock()
			}()
			for i := 0; time.Now().Before(deadline); i++ {
				if total > 0 && sent.Add(1) > int64(total) {
					return
				}
				req := s.Next(c, i)
				buf.Reset()
				fmt.Fprintf(&buf, "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n", req.Method, req.Path, addr, token)
				if req.Body != nil {
					fmt.Fprintf(&buf, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(req.Body))
				}
				buf.WriteString("\r\n")
				buf.Write(req.Body)
				t0 := time.Now()
				if _, err := conn.Write(buf.Bytes()); err != nil {
					fail(err.Error())
					return
				}
				res, err := http.ReadResponse(r, nil)
				if err != nil {
					fail(err.Error())
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != s.Want {
					fail(fmt.Sprintf("%s %s: %d %s", req.Method, req.Path, res.StatusCode, bytes.TrimSpace(body)))
					continue
				}
				own = append(own, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(latencies)
	q := func(p float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[min(len(latencies)-1, int(p*float64(len(latencies))))].Microseconds()) / 1000
	}
	return Result{Name: s.Name, Throughput: float64(len(latencies)) / elapsed.Seconds(), P50: q(0.50), P95: q(0.95), P99: q(0.99),
		Errors: errs, Requests: len(latencies) + errs, FirstError: firstErr}
}
