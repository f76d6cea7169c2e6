package mail_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"tandem/internal/mail"
	"tandem/internal/mail/mailtest"
)

func TestSendOverSMTP(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.New(srv.URL, "tandem@example.com")
	if err != nil {
		t.Fatal(err)
	}
	errs := s.Send(context.Background(), mail.Message{To: "dana@northwind.example", Subject: "Case #1042 — is it resolved? Ünïcode", Text: "Yes: https://tandem.example/r/abc\n"})
	if len(errs) != 1 || errs[0] != nil {
		t.Fatal(errs)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.From != "tandem@example.com" || got.To != "dana@northwind.example" || got.Subject != "Case #1042 — is it resolved? Ünïcode" ||
		!strings.Contains(got.Body, "https://tandem.example/r/abc") {
		t.Fatalf("received %+v", got)
	}
	srv.SetRefuse(true)
	if errs := s.Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"}); errs[0] == nil {
		t.Fatal("a refusing server reported success")
	}
}

// TestSendOverOneConnection: messages sent together go over one
// connection, and a recipient the server refuses fails only its own.
func TestSendOverOneConnection(t *testing.T) {
	srv := mailtest.Start(t)
	s, err := mail.New(srv.URL, "tandem@example.com")
	if err != nil {
		t.Fatal(err)
	}
	srv.SetRefuseRecipient("b@example.com", true)
	errs := s.Send(context.Background(),
		mail.Message{To: "a@example.com", Subject: "one", Text: "1"},
		mail.Message{To: "b@example.com", Subject: "two", Text: "2"},
		mail.Message{To: "not an address", Subject: "three", Text: "3"},
		mail.Message{To: "c@example.com", Subject: "four", Text: "4"})
	if len(errs) != 4 || errs[0] != nil || errs[1] == nil || errs[2] == nil || errs[3] != nil {
		t.Fatalf("errors %v, want the second and third only", errs)
	}
	got := srv.Messages()
	if len(got) != 2 || got[0].To != "a@example.com" || got[1].To != "c@example.com" || got[0].Conn != 1 || got[1].Conn != 1 || srv.Connections() != 1 {
		t.Fatalf("received %+v over %d connections, want a and c over one", got, srv.Connections())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if errs := s.Send(ctx, mail.Message{To: "a@example.com", Subject: "s", Text: "t"}); errs[0] == nil {
		t.Fatal("a send after its context ended reported success")
	}
}

func TestNewRefusesBadConfiguration(t *testing.T) {
	for _, c := range []struct{ url, from string }{
		{"http://mail.example.com", "a@example.com"},
		{"smtp://", "a@example.com"},
		{"smtp://mail.example.com:port", "a@example.com"},
		{"smtp://mail.example.com", ""},
	} {
		if _, err := mail.New(c.url, c.from); err == nil {
			t.Errorf("%q %q accepted", c.url, c.from)
		}
	}
}
