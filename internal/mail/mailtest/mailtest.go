// Package mailtest runs a real SMTP server on loopback for tests and keeps
// what it receives.
package mailtest

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Received is one message as the server got it.
type Received struct {
	From, To string
	Subject  string
	Body     string
	Conn     int // the connection it came over, counted from 1
}

// Server is an SMTP server that accepts everything.
type Server struct {
	URL     string
	mu      sync.Mutex
	got     []Received
	conns   int
	refuse  bool            // a relay that says "try again later"
	refused map[string]bool // recipients it says so of
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{URL: "smtp://" + l.Addr().String(), refused: map[string]bool{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.conns++
		return &session{s: s, conn: s.conns}, nil
	}))
	srv.Domain = "localhost"
	srv.ErrorLog = nopLogger{}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Messages returns what has arrived so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.got...)
}

// Count returns how many of the messages so far match.
func (s *Server) Count(match func(Received) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.got {
		if match(m) {
			n++
		}
	}
	return n
}

// Wait waits up to d for n messages.
func (s *Server) Wait(t testing.TB, n int, d time.Duration) []Received {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%d messages arrived in %s, want %d: %+v", len(s.Messages()), d, n, s.Messages())
	return nil
}

// Connections returns how many connections have been opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

func (s *Server) refusing(to string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refuse || s.refused[to]
}

// SetRefuse makes the server refuse or accept messages.
func (s *Server) SetRefuse(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = v
}

// SetRefuseRecipient makes the server refuse or accept messages to one
// address.
func (s *Server) SetRefuseRecipient(to string, v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refused[to] = v
}

type session struct {
	s        *Server
	conn     int
	from, to string
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if x.s.refusing(to) {
		return &smtp.SMTPError{Code: 451, Message: "try again later"}
	}
	x.to = to
	return nil
}
func (x *session) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return err
	}
	body := m.Body
	if strings.EqualFold(m.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.got = append(x.s.got, Received{From: x.from, To: x.to, Subject: subject, Body: string(text), Conn: x.conn})
	return nil
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}
func (nopLogger) Println(...any)        {}
