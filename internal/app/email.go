package app

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/mail"
	"tandem/internal/store"
	"tandem/internal/text"
)

// Kinds of email that are not notifications: always sent.
const (
	emailResolution = "case_resolution" // asking a customer to confirm a resolution
	emailLockout    = "account_locked"  // telling a user their account is locked
	emailReply      = "case_reply"      // a reply to the customer on a case
)

// AnswerWindow is how long a customer's "yes, resolved" link works.
const AnswerWindow = 30 * 24 * time.Hour

// Mailer delivers email; internal/mail's Sender is one.
type Mailer interface {
	// Send delivers msgs and returns the error of each, nil where it
	// was delivered.
	Send(ctx context.Context, msgs ...mail.Message) []error
}

// WithEmail turns email on: notifications and resolution requests go to
// the outbox, with links to the server at publicURL.
func WithEmail(publicURL string) Option {
	return func(a *App) { a.publicURL = strings.TrimRight(publicURL, "/") }
}

// EmailOn reports whether the app writes email.
func (a *App) EmailOn() bool { return a.publicURL != "" }

// emailNotification puts a notification in the outbox for its recipient,
// who is sent it if, when it goes, they still want that kind by email.
func (a *App) emailNotification(ctx context.Context, tx *store.Tx, n inbox.Notification) error {
	if !a.EmailOn() {
		return nil
	}
	body := n.Message + "\n\n" + a.publicURL + n.URL + "\n\nYou get this because it concerns one of your accounts. " +
		"Choose which notifications come by email in your settings: " + a.publicURL + "/settings\n"
	return tx.InsertEmail(ctx, store.Email{ID: newID(), ToUserID: n.RecipientID, Kind: n.Kind, AccountID: n.AccountID, SubjectID: n.SubjectID,
		Subject: "Tandem: " + truncate(n.Message, 150), Body: body, NextAttemptAt: n.CreatedAt, CreatedAt: n.CreatedAt})
}

// emailLockout tells a user their account was locked after too many
// failed sign-ins: someone may be guessing their password.
func (a *App) emailLockout(ctx context.Context, tx *store.Tx, u access.User, until, now time.Time) error {
	if !a.EmailOn() || u.ID == "" {
		return nil
	}
	body := fmt.Sprintf("Hello %s,\n\nAfter many failed attempts to sign in as %s, Tandem has locked your account until %s UTC. "+
		"If that was not you, someone may be guessing your password: once the lock ends, sign in and change it, "+
		"or ask an admin to reset it now.\n\n%s/login\n", u.Name, u.Email, until.UTC().Format("2006-01-02 15:04"), a.publicURL)
	return tx.InsertEmail(ctx, store.Email{ID: newID(), ToUserID: u.ID, Kind: emailLockout, SubjectID: u.ID,
		Subject: "Tandem: your account is locked for now", Body: body, NextAttemptAt: now, CreatedAt: now})
}

// Reach is how a case's customer is reached by email: the contact's name
// and address, or why there is none.
type Reach struct {
	Name, Address string
	Why           string // set when there is no address: why not
}

// reach finds where email about a case goes.
func (a *App) reach(ctx context.Context, q interface {
	Contact(context.Context, string) (customer.Contact, error)
}, c cases.Case) (Reach, error) {
	if !a.EmailOn() {
		return Reach{Why: "email is off"}, nil
	}
	if c.ContactID == "" {
		return Reach{Why: "the case has no contact"}, nil
	}
	ct, err := q.Contact(ctx, c.ContactID)
	if fault.KindOf(err) == fault.NotFound {
		return Reach{Why: "the case has no contact"}, nil
	}
	if err != nil {
		return Reach{}, err
	}
	if ct.Email == "" {
		return Reach{Name: ct.Name, Why: ct.Name + " has no email address"}, nil
	}
	return Reach{Name: ct.Name, Address: ct.Email}, nil
}

// CustomerReach says where a reply to the case's customer, or its
// resolution, is emailed, or why it is not.
func (a *App) CustomerReach(ctx context.Context, actor access.Actor, c cases.Case) (Reach, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return Reach{}, err
	}
	return a.reach(ctx, a.store, c)
}

// emailReply sends a reply written to the customer on a case to its
// contact.
func (a *App) emailReply(ctx context.Context, tx *store.Tx, actor access.Actor, c cases.Case, cm store.Comment) error {
	to, err := a.reach(ctx, tx, c)
	if err != nil || to.Address == "" {
		return err
	}
	body := fmt.Sprintf("Hello %s,\n\n%s\n\n%s\nabout case #%d, %q\n", to.Name, cm.Body, actorName(actor), c.Number, c.Subject)
	return tx.InsertEmail(ctx, store.Email{ID: newID(), ToAddress: to.Address, Kind: emailReply, AccountID: c.AccountID, SubjectID: c.ID,
		Subject: fmt.Sprintf("Case #%d: %s", c.Number, truncate(c.Subject, 120)), Body: body, NextAttemptAt: cm.CreatedAt, CreatedAt: cm.CreatedAt})
}

// askCustomer sends the case's contact the solution and a signed link to
// say whether it resolved their situation.
func (a *App) askCustomer(ctx context.Context, tx *store.Tx, c cases.Case) error {
	contact, err := a.reach(ctx, tx, c)
	if err != nil || contact.Address == "" {
		return err
	}
	link, err := a.answerLink(ctx, tx, c)
	if err != nil {
		return err
	}
	body := fmt.Sprintf("Hello %s,\n\nWe believe case #%d, %q, is resolved. This is what we did:\n\n%s\n\n"+
		"Did this resolve your situation? Please tell us with one click:\n\n%s\n\n"+
		"If it did not, the same page lets you say so, and the case goes straight back to the team.\n",
		contact.Name, c.Number, c.Subject, indent(c.Solution), link)
	return tx.InsertEmail(ctx, store.Email{ID: newID(), ToAddress: contact.Address, Kind: emailResolution, AccountID: c.AccountID, SubjectID: c.ID,
		Subject: fmt.Sprintf("Case #%d: is your problem solved?", c.Number), Body: body, NextAttemptAt: c.ResolvedAt, CreatedAt: c.ResolvedAt})
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n    ")
}

// answerLink is the signed address where a customer answers for a case's
// current resolution; it stops working when the case moves on.
func (a *App) answerLink(ctx context.Context, tx *store.Tx, c cases.Case) (string, error) {
	payload := c.ID + "." + strconv.FormatInt(c.ResolvedAt.UnixMilli(), 36)
	sig, err := a.sign(ctx, tx, "resolution."+payload)
	if err != nil {
		return "", err
	}
	return a.publicURL + "/r/" + payload + "." + sig, nil
}

// signingKey is made once per database and kept.
type signingKey struct {
	mu  sync.Mutex
	key []byte
}

// sign signs msg with the database's link key; tx is the transaction
// the caller is in, or nil.
func (a *App) sign(ctx context.Context, tx *store.Tx, msg string) (string, error) {
	a.links.mu.Lock()
	key := a.links.key
	a.links.mu.Unlock()
	if key == nil {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		load := func(tx *store.Tx) error {
			secret, err := tx.SigningKey(ctx, "links", base64.RawURLEncoding.EncodeToString(fresh), a.Now())
			key, _ = base64.RawURLEncoding.DecodeString(secret)
			// Kept only once stored: a key made in a transaction that rolls
			// back must not sign anything.
			tx.AfterCommit(func() { a.links.mu.Lock(); a.links.key = key; a.links.mu.Unlock() })
			return err
		}
		var err error
		if tx != nil {
			err = load(tx)
		} else {
			err = a.store.InTx(ctx, load)
		}
		if err != nil {
			return "", err
		}
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18]), nil
}

var errBadLink = fault.New(fault.NotFound, "this link is not valid; reply to the email instead and we will take it from there")

// answerCase reads a resolution link: the case it names and the moment of
// the resolution it was sent for.
func (a *App) answerCase(ctx context.Context, token string) (string, time.Time, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", time.Time{}, errBadLink
	}
	want, err := a.sign(ctx, nil, "resolution."+parts[0]+"."+parts[1])
	if err != nil {
		return "", time.Time{}, err
	}
	resolved, perr := strconv.ParseInt(parts[1], 36, 64)
	if perr != nil || !hmac.Equal([]byte(want), []byte(parts[2])) {
		return "", time.Time{}, errBadLink
	}
	at := time.UnixMilli(resolved).UTC()
	if a.Now().Sub(at) > AnswerWindow {
		return "", time.Time{}, fault.New(fault.Invalid, "this link has expired; reply to the email instead and we will take it from there")
	}
	return parts[0], at, nil
}

// Resolution is what a customer sees behind their link.
type Resolution struct {
	Number   int64
	Subject  string
	Solution string
	// Open is true while the customer's answer is awaited.
	Open bool
	// Answer is what became of the case when it is no longer awaited.
	Answer string
	// ResolvedAt is when the case was resolved, as the link says.
	ResolvedAt time.Time
}

// ResolutionFor returns the case behind a customer's link.
func (a *App) ResolutionFor(ctx context.Context, token string) (Resolution, error) {
	id, at, err := a.answerCase(ctx, token)
	if err != nil {
		return Resolution{}, err
	}
	c, err := a.store.Case(ctx, id)
	if err != nil {
		return Resolution{}, errBadLink
	}
	return resolutionOf(c, at), nil
}

func resolutionOf(c cases.Case, at time.Time) Resolution {
	r := Resolution{Number: c.Number, Subject: c.Subject, Solution: c.Solution, Open: c.Status == cases.Resolved && c.ResolvedAt.Equal(at), ResolvedAt: at}
	switch {
	case r.Open:
	case c.Status == cases.Closed && c.Confirmed != nil && *c.Confirmed:
		r.Answer = "closed: you confirmed it is resolved. Thank you."
	case c.Status == cases.Closed:
		r.Answer = "closed."
	case c.Status == cases.Resolved:
		r.Answer = "resolved again since this email was sent; please answer from the newest one."
	default:
		r.Answer = "back with our team, who are working on it."
	}
	return r
}

// MaxAnswerNote is the longest note a customer may leave with an answer.
const MaxAnswerNote = 2000

// AnswerResolution records a customer's answer from their link: yes
// closes the case confirmed; no reopens it, with their words, and tells the
// account's owner.
func (a *App) AnswerResolution(ctx context.Context, token string, resolved bool, note string) (Resolution, error) {
	id, at, err := a.answerCase(ctx, token)
	if err != nil {
		return Resolution{}, err
	}
	// The link is all a customer needs, so what it may store is bounded
	// like every text: at most one note of MaxAnswerNote characters per
	// resolution (an answered link changes nothing more).
	note = strings.TrimSpace(note)
	if p := text.Problem(note, MaxAnswerNote, true); p != "" {
		var f fault.Fields
		f.Add("note", "the note "+p)
		return Resolution{}, f.Err()
	}
	customer := access.Actor{User: access.User{Name: "the customer", Active: true}, Scope: access.ScopeWrite}
	var out Resolution
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Case(ctx, id)
		if err != nil {
			return errBadLink
		}
		if out = resolutionOf(c, at); !out.Open {
			return nil // answered already, or the case has moved on: change nothing
		}
		yes := true
		t := cases.Transition{To: cases.Closed, Confirmed: &yes}
		if !resolved {
			t = cases.Transition{To: cases.Open, Reason: "the customer says it is not resolved"}
			if note != "" {
				t.Reason += ": " + note
			}
		}
		c, err = a.moveCase(ctx, tx, customer, c, t)
		out = resolutionOf(c, at)
		return err
	})
	return out, err
}

// Outbox sending: a batch of emails is claimed in one transaction, sent
// over one SMTP connection and recorded in one transaction; a run sends
// batches while they come full, up to emailRun of them.
const (
	emailBatch = 100
	emailRun   = 10
	// emailLease is how long a claimed email is this sender's; sending a
	// batch stops well inside it, so no other sender takes one still
	// being sent.
	emailLease = 5 * time.Minute
)

// SendDueEmails sends what the outbox holds whose time has come. A user's
// notification goes only if they are active and still want that kind by
// email; a failed delivery is tried again later, backing off, up to eight
// times.
func (a *App) SendDueEmails(ctx context.Context, m Mailer) (sent int, err error) {
	for range emailRun {
		n, full, err := a.sendEmailBatch(ctx, m)
		sent += n
		if err != nil || !full {
			return sent, err
		}
	}
	return sent, nil
}

// sendEmailBatch claims, sends and records one batch; full says the
// outbox may hold more that are due.
func (a *App) sendEmailBatch(ctx context.Context, m Mailer) (sent int, full bool, err error) {
	now := a.Now()
	var batch []store.Email
	if err := a.store.InTx(ctx, func(tx *store.Tx) error {
		batch, err = tx.ClaimEmails(ctx, now, now.Add(emailLease), emailBatch)
		return err
	}); err != nil || len(batch) == 0 {
		return 0, false, err
	}
	var msgs []mail.Message
	var going []*store.Email // the emails of msgs
	to := recipients{}
	for i := range batch {
		e := &batch[i]
		addr, ok, err := a.emailAddress(ctx, to, *e)
		switch {
		case err != nil:
			a.emailFailed(e, now, err.Error())
		case !ok:
			e.Status = "skipped"
		default:
			msgs = append(msgs, mail.Message{To: addr, Subject: e.Subject, Text: e.Body})
			going = append(going, e)
		}
	}
	if len(msgs) > 0 {
		sendCtx, cancel := context.WithTimeout(ctx, emailLease/2)
		errs := m.Send(sendCtx, msgs...)
		cancel()
		for i, e := range going {
			if errs[i] != nil {
				a.emailFailed(e, now, truncate(errs[i].Error(), 500))
				continue
			}
			e.Status, e.SentAt = "sent", a.Now()
			sent++
		}
	}
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		for _, e := range batch {
			if err := tx.FinishEmail(ctx, e); err != nil {
				return err
			}
		}
		return nil
	})
	return sent, len(batch) == emailBatch, err
}

// emailFailed records a failed attempt at an email claimed at now: tried
// again after 30 s, 1 min, 2 min …, failed after the eighth.
func (a *App) emailFailed(e *store.Email, now time.Time, why string) {
	e.LastError = why
	e.Status, e.NextAttemptAt = "pending", now.Add(30*time.Second<<min(e.Attempts-1, 10))
	if e.Attempts >= 8 {
		e.Status = "failed"
	}
	a.log.Warn("email not sent", "email", e.ID, "attempt", e.Attempts, "err", why)
}

// recipients holds the users a batch of email goes to, each read once
// with their email preferences.
type recipients map[string]recipient

type recipient struct {
	user  access.User
	prefs map[string]bool
}

// emailAddress says where an email goes, and whether it still should.
func (a *App) emailAddress(ctx context.Context, to recipients, e store.Email) (string, bool, error) {
	if e.ToUserID == "" {
		return e.ToAddress, e.ToAddress != "", nil
	}
	r, ok := to[e.ToUserID]
	if !ok {
		u, err := a.store.User(ctx, e.ToUserID)
		if err != nil {
			return "", false, err
		}
		r = recipient{user: u}
		if u.Active {
			if r.prefs, err = a.EmailPreferences(ctx, access.Actor{User: u}); err != nil {
				return "", false, err
			}
		}
		to[e.ToUserID] = r
	}
	if !r.user.Active {
		return "", false, nil
	}
	want, chosen := r.prefs[e.Kind]
	return r.user.Email, want || !chosen, nil
}

// Emails lists what was written to go out about a case or other subject.
func (a *App) Emails(ctx context.Context, actor access.Actor, subjectID string) ([]store.Email, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.Emails(ctx, subjectID)
}
