// Package mail sends Tandem's email over SMTP: the owner's notifications
// and the customer's resolution emails. What to send, and when, is the
// app's; this package only delivers.
package mail

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one plain-text email.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Sender delivers messages to one SMTP server.
type Sender struct {
	host string
	opts []gomail.Option
	from string
}

// New returns a sender for an SMTP URL and a From address. The URL is
// smtp://[user:password@]host[:port] (STARTTLS when the server offers it;
// add ?starttls=required to refuse a server that does not) or
// smtps://… for TLS from the first byte.
func New(rawURL, from string) (*Sender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, fmt.Errorf("the SMTP URL must look like smtp://user:password@host:587 or smtps://host:465")
	}
	if from == "" {
		return nil, fmt.Errorf("give the address email comes from (--mail-from)")
	}
	// No NOOP before each message: they follow one another on a
	// connection just opened.
	opts := []gomail.Option{gomail.WithTimeout(15 * time.Second), gomail.WithTLSPolicy(gomail.TLSOpportunistic), gomail.WithoutNoop()}
	port := 587
	switch {
	case u.Scheme == "smtps":
		port = 465
		opts = append(opts, gomail.WithSSL())
	case u.Query().Get("starttls") == "required":
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("the SMTP URL's port is not a number")
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(u.User.Username()), gomail.WithPassword(pw))
	}
	return &Sender{host: u.Hostname(), opts: opts, from: from}, nil
}

// Send delivers messages over one connection, one after another, and
// returns the error of each (nil where it was delivered): a recipient the
// server refuses fails its own message only. Messages not yet begun when
// ctx ends fail with its error.
func (s *Sender) Send(ctx context.Context, msgs ...Message) []error {
	errs := make([]error, len(msgs))
	out := make([]*gomail.Msg, len(msgs))
	for i, m := range msgs {
		out[i], errs[i] = s.message(m)
	}
	fail := func(err error) []error {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err
			}
		}
		return errs
	}
	c, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		return fail(err)
	}
	conn, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fail(fmt.Errorf("dial failed: %w", err))
	}
	defer c.CloseWithSMTPClient(conn)
	for i, g := range out {
		switch {
		case errs[i] != nil:
		case ctx.Err() != nil:
			errs[i] = ctx.Err()
		default:
			// One message a call: each has the whole timeout (the
			// client sets the connection's deadline once a call).
			errs[i] = c.SendWithSMTPClient(conn, g)
		}
	}
	return errs
}

// message is m as go-mail's.
func (s *Sender) message(m Message) (*gomail.Msg, error) {
	g := gomail.NewMsg()
	if err := g.From(s.from); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := g.To(m.To); err != nil {
		return nil, fmt.Errorf("to address %q: %w", m.To, err)
	}
	g.Subject(m.Subject)
	g.SetBodyString(gomail.TypeTextPlain, m.Text)
	return g, nil
}
