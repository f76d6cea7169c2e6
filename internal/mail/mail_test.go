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
	err = s.Send(context.Background(), mail.Message{To: "dana@northwind.example", Subject: "Case #1042 — is it resolved? Ünïcode", Text: "Yes: https://tandem.example/r/abc\n"})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(t, 1, 5*time.Second)[0]
	if got.From != "tandem@example.com" || got.To != "dana@northwind.example" || got.Subject != "Case #1042 — is it resolved? Ünïcode" ||
		!strings.Contains(got.Body, "https://tandem.example/r/abc") {
		t.Fatalf("received %+v", got)
	}
	srv.SetRefuse(true)
	if err := s.Send(context.Background(), mail.Message{To: "x@example.com", Subject: "s", Text: "t"}); err == nil {
		t.Fatal("a refusing server reported success")
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
