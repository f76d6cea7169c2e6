package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/sla"
	"tandem/internal/store"
)

// SLA is how a case stands against its targets.
type SLA struct {
	FirstResponseDueAt time.Time
	ResolutionDueAt    time.Time // zero while waiting on the customer
	State              sla.State
}

func (a *App) clocks(c cases.Case) (fr, res sla.Clock) {
	k := c.Clocks
	fr = sla.Clock{Started: c.OpenedAt, Target: k.FirstResponseTarget, Stopped: c.RespondedAt}
	res = sla.Clock{Started: c.OpenedAt, Target: k.ResolutionTarget, Paused: k.ResolutionPaused, PausedAt: k.ResolutionPausedAt, Stopped: c.ResolvedAt}
	return fr, res
}

// SLAOf returns the SLA of a case at the app's now. One rule decides the
// state and the words beside it: a running case is judged by its next
// deadline as the case holds it (the one shown beside the state, and the
// one the queue filters by), a paused clock by the business time it had
// used, a finished case by whether both targets were met.
func (a *App) SLAOf(c cases.Case) SLA {
	now := a.Now()
	k := c.Clocks
	out := SLA{FirstResponseDueAt: k.FirstResponseDue, ResolutionDueAt: k.ResolutionDue}
	cal, _ := a.sla()
	_, res := a.clocks(c)
	next, _ := c.NextDeadline()
	switch {
	case !res.Stopped.IsZero(): // met or breached, for good: both targets count
		out.State = res.State(cal, now)
		if out.State == sla.Met && !c.RespondedAt.IsZero() && c.RespondedAt.After(k.FirstResponseDue) {
			out.State = sla.Breached
		}
	case next.IsZero(): // waiting on the customer: as it stood when the clock paused
		out.State = res.State(cal, now)
	case !now.Before(next):
		out.State = sla.Breached
	case !k.AtRiskAt.IsZero() && !now.Before(k.AtRiskAt):
		out.State = sla.AtRisk
	default:
		out.State = sla.OnTrack
	}
	return out
}

// refreshDue recomputes the stored due times after the clocks changed.
func (a *App) refreshDue(c *cases.Case) {
	cal, _ := a.sla()
	a.refreshDueOn(c, cal)
}

// refreshDueOn is refreshDue on the calendar cal.
func (a *App) refreshDueOn(c *cases.Case, cal sla.Calendar) {
	fr, res := a.clocks(*c)
	c.Clocks.FirstResponseDue = fr.Due(cal)
	c.Clocks.ResolutionDue, c.Clocks.AtRiskAt = time.Time{}, time.Time{}
	if res.PausedAt.IsZero() && res.Stopped.IsZero() {
		c.Clocks.ResolutionDue, c.Clocks.AtRiskAt = res.Due(cal), res.AtRiskAt(cal)
	}
	if _, first := c.NextDeadline(); first {
		c.Clocks.AtRiskAt = fr.AtRiskAt(cal)
	}
}

// PlanAhead is how far ahead changes to a case schedule its next SLA check
// themselves; later moments are scheduled by PlanChecks, which runs more
// often than that, so that opening a case rarely touches the job queue.
const PlanAhead = 3 * time.Minute

// scheduleNextCheck asks for the case's SLA to be checked at the next
// moment one of its running clocks goes at risk or runs out, when that is
// within PlanAhead. Each check schedules the one after it.
func (a *App) scheduleNextCheck(ctx context.Context, tx *store.Tx, c cases.Case) error {
	return a.scheduleCheckWithin(ctx, tx, c, PlanAhead)
}

// scheduleCheckWithin schedules the case's next moment if it comes within
// horizon (0: whenever it comes).
func (a *App) scheduleCheckWithin(ctx context.Context, tx *store.Tx, c cases.Case, horizon time.Duration) error {
	cal, _ := a.sla()
	return a.scheduleCheckOn(ctx, tx, c, cal, horizon)
}

// scheduleCheckOn is scheduleCheckWithin on the calendar cal.
func (a *App) scheduleCheckOn(ctx context.Context, tx *store.Tx, c cases.Case, cal sla.Calendar, horizon time.Duration) error {
	if a.jobs == nil {
		return nil
	}
	fr, res := a.clocks(c)
	var moments []time.Time
	if c.RespondedAt.IsZero() && (c.Status == cases.New || c.Status == cases.Open) {
		moments = append(moments, fr.AtRiskAt(cal), fr.Due(cal))
	}
	if res.PausedAt.IsZero() && res.Stopped.IsZero() {
		moments = append(moments, res.AtRiskAt(cal), res.Due(cal))
	}
	now := a.Now()
	var next time.Time
	for _, m := range moments {
		if m.After(now) && (next.IsZero() || m.Before(next)) {
			next = m
		}
	}
	if next.IsZero() || (horizon > 0 && next.After(now.Add(horizon))) {
		return nil
	}
	return a.jobs.ScheduleSLACheck(ctx, tx, c.ID, next)
}

// PlanChecks schedules the SLA checks of the cases with a moment in the
// next PlanAhead; the job queue runs it every minute on one process.
func (a *App) PlanChecks(ctx context.Context) error {
	now := a.Now()
	ids, err := a.store.CasesWithMomentsBetween(ctx, now, now.Add(PlanAhead))
	if err != nil {
		return err
	}
	for _, id := range ids {
		err := a.store.InTx(ctx, func(tx *store.Tx) error {
			c, err := tx.Case(ctx, id)
			if err != nil {
				return err
			}
			return a.scheduleCheckWithin(ctx, tx, c, PlanAhead)
		})
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
	}
	return nil
}

// CheckSLA tells the account's owner and the case's assignee when a case's clock has gone at risk
// or run out, once per clock and state. Checks scheduled before the case
// changed find nothing to say.
func (a *App) CheckSLA(ctx context.Context, caseID string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Case(ctx, caseID)
		if fault.KindOf(err) == fault.NotFound {
			return nil
		}
		if err != nil {
			return err
		}
		cal, _ := a.sla()
		return a.checkSLA(ctx, tx, c, cal, 0)
	})
}

// checkSLA is CheckSLA's work on a case read in tx, on the calendar cal;
// it schedules the case's next moment if it comes within horizon (0:
// whenever it comes).
func (a *App) checkSLA(ctx context.Context, tx *store.Tx, c cases.Case, cal sla.Calendar, horizon time.Duration) error {
	var err error
	now := a.Now()
	fr, res := a.clocks(c)
	type alert struct {
		bit   int
		clock sla.Clock
		state sla.State
		kind  string
		what  string
	}
	alerts := []alert{
		{cases.AlertFirstResponseBreached, fr, sla.Breached, inbox.SLABreached, "first response is overdue"},
		{cases.AlertFirstResponseAtRisk, fr, sla.AtRisk, inbox.SLAAtRisk, "first response is due soon"},
		{cases.AlertResolutionBreached, res, sla.Breached, inbox.SLABreached, "resolution is overdue"},
		{cases.AlertResolutionAtRisk, res, sla.AtRisk, inbox.SLAAtRisk, "resolution is due soon"},
	}
	before := c
	var acc customer.Account
	for _, al := range alerts {
		if c.Clocks.Alerts&al.bit != 0 || al.clock.State(cal, now) != al.state {
			continue
		}
		if al.bit == cases.AlertFirstResponseAtRisk && c.Clocks.Alerts&cases.AlertFirstResponseBreached != 0 ||
			al.bit == cases.AlertResolutionAtRisk && c.Clocks.Alerts&cases.AlertResolutionBreached != 0 {
			continue
		}
		c.Clocks.Alerts |= al.bit
		if err := a.record(ctx, tx, access.System, now, change{kind: "case." + al.kind, accountID: c.AccountID, subjectType: "case",
			subjectID: c.ID, team: "service", after: map[string]any{"number": c.Number, "alert": al.what}}); err != nil {
			return err
		}
		if acc.ID == "" {
			if acc, err = tx.Account(ctx, c.AccountID); err != nil {
				return err
			}
		}
		if err := a.notifyOwner(ctx, tx, access.System, acc, inbox.Notification{Kind: al.kind, SubjectType: "case", SubjectID: c.ID,
			URL: "/cases/" + c.ID, Message: fmt.Sprintf("case #%d: %s (%s)", c.Number, al.what, c.Subject)}, c.AssigneeID); err != nil {
			return err
		}
	}
	if err := a.scheduleCheckOn(ctx, tx, c, cal, horizon); err != nil {
		return err
	}
	if c.Clocks.Alerts == before.Clocks.Alerts {
		return nil
	}
	return tx.SetCaseAlerts(ctx, c.ID, c.Clocks.Alerts)
}

// CatchUpSLA checks the cases with a moment already past, once: for
// cases whose checks were never scheduled (the demo book, imports, or from
// before the queue existed). Checks are idempotent, so catching up twice
// only costs time.
func (a *App) CatchUpSLA(ctx context.Context) error {
	ids, err := a.store.CasesWithMomentsBetween(ctx, time.UnixMilli(0), a.Now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := a.CheckSLA(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// notifyOwner tells the account's owner (or, when it has none, every
// manager) about something at the account, and those named in also (a
// case's assignee), in the transaction that caused it.
func (a *App) notifyOwner(ctx context.Context, tx *store.Tx, actor access.Actor, acc customer.Account, n inbox.Notification, also ...string) error {
	var err error
	recipients := []string{acc.OwnerID}
	if acc.OwnerID == "" {
		if recipients, err = tx.Managers(ctx); err != nil {
			return err
		}
	}
	n.AccountID = acc.ID
	n.Message = acc.Name + ": " + n.Message
	return a.tell(ctx, tx, actor, n, append(recipients, also...)...)
}

// tell puts n in each recipient's inbox, and their outbox, once each;
// the actor is not told of their own doing.
func (a *App) tell(ctx context.Context, tx *store.Tx, actor access.Actor, n inbox.Notification, recipients ...string) error {
	n.CreatedAt = a.Now()
	told := map[string]bool{actor.User.ID: true, "": true}
	for _, r := range recipients {
		if told[r] {
			continue
		}
		told[r] = true
		n.ID, n.RecipientID = newID(), r
		if err := tx.InsertNotification(ctx, n); err != nil {
			return err
		}
		if err := a.emailNotification(ctx, tx, n); err != nil {
			return err
		}
	}
	return nil
}

// OpenCase opens a case on an account with its SLA clocks running, and
// tells the account's owner.
func (a *App) OpenCase(ctx context.Context, actor access.Actor, in cases.Case) (cases.Case, error) {
	if err := actor.Require(access.OpenCase, false); err != nil {
		return cases.Case{}, err
	}
	in.Normalize()
	now := a.Now()
	in.ID, in.Status, in.OpenedAt, in.CreatedAt, in.UpdatedAt, in.Version = newID(), cases.New, now, now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		in, err = a.openCaseTx(ctx, tx, actor, in, nil)
		return err
	})
	return in, err
}

// openCaseTx opens a case in tx (OpenCase's work, for app methods that
// open one as part of their own change). The owner is told with note
// when given (its subject and URL filled in), else that a case opened.
func (a *App) openCaseTx(ctx context.Context, tx *store.Tx, actor access.Actor, in cases.Case, note *inbox.Notification) (cases.Case, error) {
	if note != nil {
		in.Normalize()
		now := a.Now()
		in.ID, in.Status, in.OpenedAt, in.CreatedAt, in.UpdatedAt, in.Version = newID(), cases.New, now, now, now, 1
	}
	now := in.CreatedAt
	var f fault.Fields
	if err := in.Validate(); err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	var acc, err = tx.Account(ctx, in.AccountID)
	if in.AccountID != "" && fault.KindOf(err) == fault.NotFound {
		f.Add("account_id", "no account has this id")
	} else if in.AccountID != "" && err != nil {
		return in, err
	}
	if in.AssigneeID != "" {
		checkAssignee(ctx, tx, in.AssigneeID, &f)
	}
	if err := checkCaseContact(ctx, tx, in.AccountID, in.ContactID, &f); err != nil {
		return in, err
	}
	if err := checkCategory(ctx, tx, in.Category, &f); err != nil {
		return in, err
	}
	if err := f.Err(); err != nil {
		return in, err
	}
	_, pol := a.sla()
	t := pol.For(acc.Tier, in.Priority)
	in.Clocks.FirstResponseTarget, in.Clocks.ResolutionTarget = t.FirstResponse, t.Resolution
	a.refreshDue(&in)
	if in.Number, err = tx.NextNumber(ctx, "case"); err != nil {
		return in, err
	}
	if err := tx.InsertCase(ctx, in); err != nil {
		return in, err
	}
	if err := a.scheduleNextCheck(ctx, tx, in); err != nil {
		return in, err
	}
	if err := a.record(ctx, tx, actor, now, change{kind: "case.opened", accountID: in.AccountID, subjectType: "case", subjectID: in.ID,
		team: "service", after: in}); err != nil {
		return in, err
	}
	n := inbox.Notification{Kind: inbox.CaseOpened, SubjectType: "case", SubjectID: in.ID,
		URL: "/cases/" + in.ID, Message: fmt.Sprintf("case #%d opened (%s priority): %s", in.Number, in.Priority, in.Subject)}
	if note != nil {
		n = *note
		n.SubjectType, n.SubjectID, n.URL = "case", in.ID, "/cases/"+in.ID
		n.Message += fmt.Sprintf(" (case #%d opened)", in.Number)
	}
	return in, a.notifyOwner(ctx, tx, actor, acc, n)
}

// Case returns one case.
func (a *App) Case(ctx context.Context, actor access.Actor, id string) (cases.Case, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return cases.Case{}, err
	}
	return a.store.Case(ctx, id)
}

// Cases lists cases in queue order.
func (a *App) Cases(ctx context.Context, actor access.Actor, f store.CaseFilter, p store.Page) ([]cases.Case, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	f.Now = a.Now()
	return a.store.Cases(ctx, f, p)
}

// CountCases counts the cases Cases lists.
func (a *App) CountCases(ctx context.Context, actor access.Actor, f store.CaseFilter) (int, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return 0, err
	}
	f.Now = a.Now()
	return a.store.CountCases(ctx, f)
}

// TransitionCase moves a case. Waiting on the customer pauses the
// resolution clock; resolving stops it; reopening restarts it and tells
// the owner, as does closing without the customer's confirmation.
func (a *App) TransitionCase(ctx context.Context, actor access.Actor, id string, t cases.Transition, version int64) (cases.Case, error) {
	if err := actor.Require(access.WorkCases, false); err != nil {
		return cases.Case{}, err
	}
	var out cases.Case
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := caseAt(ctx, tx, id, version)
		if err != nil {
			return err
		}
		out, err = a.moveCase(ctx, tx, actor, before, t)
		return err
	})
	return out, err
}

// moveCase applies a transition to a case in tx: clocks, due times, the
// next SLA check, the event, the owner told of a reopening or an
// unconfirmed close, and the customer asked to confirm a resolution.
func (a *App) moveCase(ctx context.Context, tx *store.Tx, actor access.Actor, before cases.Case, t cases.Transition) (cases.Case, error) {
	now := a.Now()
	c := before
	if err := c.Apply(t, now); err != nil {
		return c, err
	}
	cal, _ := a.sla()
	_, res := a.clocks(before)
	switch {
	case t.To == cases.PendingCustomer:
		res.Pause(now)
	case t.To == cases.Open && (before.Status == cases.Resolved || before.Status == cases.Closed):
		// Time while resolved does not count; the clock runs again.
		res.Paused += cal.Between(before.ResolvedAt, now)
		res.Stopped, res.PausedAt = time.Time{}, time.Time{}
	case t.To == cases.Resolved:
		res.Stop(cal, now)
	default:
		res.Resume(cal, now)
	}
	c.Clocks.ResolutionPaused, c.Clocks.ResolutionPausedAt = res.Paused, res.PausedAt
	a.refreshDue(&c)
	c.UpdatedAt, c.Version = now, before.Version+1
	if err := tx.UpdateCase(ctx, c, before.Version); err != nil {
		return c, err
	}
	if err := a.scheduleNextCheck(ctx, tx, c); err != nil {
		return c, err
	}
	if err := a.record(ctx, tx, actor, now, change{kind: "case." + string(c.Status), accountID: c.AccountID, subjectType: "case", subjectID: c.ID,
		team: "service", before: before, after: c}); err != nil {
		return c, err
	}
	if c.Status == cases.Resolved {
		return c, a.askCustomer(ctx, tx, c)
	}
	reopened := c.Status == cases.Open && c.Reopened > before.Reopened
	unconfirmed := c.Status == cases.Closed && !*c.Confirmed
	if !reopened && !unconfirmed {
		return c, nil
	}
	acc, err := tx.AccountOwner(ctx, c.AccountID)
	if err != nil {
		return c, err
	}
	n := inbox.Notification{Kind: inbox.CaseClosedUnconfirmed, SubjectType: "case", SubjectID: c.ID, URL: "/cases/" + c.ID,
		Message: fmt.Sprintf("case #%d closed without the customer's confirmation: %s", c.Number, c.CloseReason)}
	if reopened {
		n.Kind, n.Message = inbox.CaseReopened, fmt.Sprintf("case #%d reopened: %s", c.Number, strings.TrimSpace(t.Reason))
	}
	return c, a.notifyOwner(ctx, tx, actor, acc, n)
}

// CommentCase adds a comment to a case, internal or to the customer, with
// the minutes it took.
func (a *App) CommentCase(ctx context.Context, actor access.Actor, caseID, body string, internal bool, minutes int) (store.Comment, error) {
	if err := actor.Require(access.CommentCases, false); err != nil {
		return store.Comment{}, err
	}
	var f fault.Fields
	body = strings.TrimSpace(body)
	if body == "" {
		f.Add("body", "write the comment")
	} else if len(body) > 20000 {
		f.Add("body", "keep the comment under 20,000 characters")
	}
	if minutes < 0 || minutes > 24*60 {
		f.Add("minutes", "enter the minutes spent, from 0 to 1440")
	}
	if err := f.Err(); err != nil {
		return store.Comment{}, err
	}
	now := a.Now()
	cm := store.Comment{ID: newID(), CaseID: caseID, AuthorID: actor.User.ID, Body: body, Internal: internal, Minutes: minutes, CreatedAt: now}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.Case(ctx, caseID)
		if err != nil {
			return err
		}
		if err := tx.InsertComment(ctx, cm); err != nil {
			return err
		}
		first := !internal && c.RespondedAt.IsZero() && actor.Can(access.WorkCases, false)
		if minutes > 0 || first {
			before := c
			c.MinutesSpent += minutes
			if first {
				c.RespondedAt = now // a reply to the customer is the first response
				a.refreshDue(&c)
			}
			c.UpdatedAt, c.Version = now, before.Version+1
			if err := tx.UpdateCase(ctx, c, before.Version); err != nil {
				return err
			}
		}
		if err := a.record(ctx, tx, actor, now, change{kind: "case.commented", accountID: c.AccountID, subjectType: "case", subjectID: c.ID,
			team: "service", after: cm}); err != nil {
			return err
		}
		if !internal {
			if err := a.emailReply(ctx, tx, actor, c, cm); err != nil {
				return err
			}
		}
		if first && c.Status == cases.New {
			// Answering the customer is working on the case.
			_, err = a.moveCase(ctx, tx, actor, c, cases.Transition{To: cases.Open})
		}
		return err
	})
	return cm, err
}

// Comments lists a case's comments.
func (a *App) Comments(ctx context.Context, actor access.Actor, caseID string) ([]store.Comment, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	if _, err := a.store.Case(ctx, caseID); err != nil {
		return nil, err
	}
	return a.store.Comments(ctx, caseID)
}

// Notifications lists the actor's own notifications.
func (a *App) Notifications(ctx context.Context, actor access.Actor, f store.NotificationFilter, p store.Page) ([]inbox.Notification, string, error) {
	return a.store.Notifications(ctx, actor.User.ID, f, p)
}

// UnreadCount counts the actor's unread notifications.
func (a *App) UnreadCount(ctx context.Context, actor access.Actor) (int, error) {
	return a.store.UnreadCount(ctx, actor.User.ID)
}

// MarkRead marks one of the actor's notifications read.
func (a *App) MarkRead(ctx context.Context, actor access.Actor, id string) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		n, err := tx.MarkRead(ctx, actor.User.ID, id, time.Time{}, a.Now())
		if err == nil && n == 0 {
			return fault.NotFoundf("you have no unread notification with that id")
		}
		return err
	})
}

// MarkAllRead marks the actor's notifications read up to the moment upTo
// (all of them when it is zero): a page passes when it was shown, so one
// that arrived after the person looked stays unread.
func (a *App) MarkAllRead(ctx context.Context, actor access.Actor, upTo time.Time) error {
	return a.store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.MarkRead(ctx, actor.User.ID, "", upTo, a.Now())
		return err
	})
}

// checkCaseContact adds a problem when a case's contact is not one of its
// account's contacts: a case never names another account's contact (the
// customer's answer link is emailed to that contact). A case's account
// never changes.
func checkCaseContact(ctx context.Context, tx *store.Tx, accountID, contactID string, f *fault.Fields) error {
	if contactID == "" {
		return nil
	}
	c, err := tx.Contact(ctx, contactID)
	switch {
	case fault.KindOf(err) == fault.NotFound:
		f.Add("contact_id", "no contact has this id")
	case err != nil:
		return err
	case c.AccountID != accountID:
		f.Add("contact_id", "this contact belongs to another account")
	}
	return nil
}

// CasePatch holds the case fields to change; nil leaves one as it is.
type CasePatch struct {
	Subject, Description, Category, Priority, AssigneeID, ContactID *string
}

// UpdateCase changes a case's details or assignee. A new priority brings
// the targets of the new priority; the time already spent still counts.
// A new assignee other than the actor is told.
func (a *App) UpdateCase(ctx context.Context, actor access.Actor, id string, p CasePatch, version int64) (cases.Case, error) {
	if err := actor.Require(access.WorkCases, false); err != nil {
		return cases.Case{}, err
	}
	var out cases.Case
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		out, err = a.updateCase(ctx, tx, actor, id, p, version)
		return err
	})
	return out, err
}

// AssignCases gives cases to one agent (or, with an empty assigneeID,
// to nobody) in one transaction: all of them or, when one cannot be
// assigned, none. It returns how many changed hands.
func (a *App) AssignCases(ctx context.Context, actor access.Actor, ids []string, assigneeID string) (int, error) {
	if err := actor.Require(access.WorkCases, false); err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return 0, (&fault.Fields{{Field: "case_ids", Message: "choose the cases to assign"}}).Err()
	}
	if len(ids) > 200 {
		return 0, (&fault.Fields{{Field: "case_ids", Message: "assign at most 200 cases at a time"}}).Err()
	}
	n := 0
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		n = 0
		for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
			before, err := tx.Case(ctx, id)
			if err != nil {
				return err
			}
			if before.AssigneeID == assigneeID {
				continue
			}
			if _, err := a.updateCase(ctx, tx, actor, id, CasePatch{AssigneeID: &assigneeID}, 0); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func (a *App) updateCase(ctx context.Context, tx *store.Tx, actor access.Actor, id string, p CasePatch, version int64) (cases.Case, error) {
	before, err := caseAt(ctx, tx, id, version)
	if err != nil {
		return cases.Case{}, err
	}
	c := before
	for dst, v := range map[*string]*string{&c.Subject: p.Subject, &c.Description: p.Description, &c.Category: p.Category,
		&c.Priority: p.Priority, &c.AssigneeID: p.AssigneeID, &c.ContactID: p.ContactID} {
		if v != nil {
			*dst = *v
		}
	}
	c.Normalize()
	var f fault.Fields
	if err := c.Validate(); err != nil {
		fe, _ := fault.As(err)
		f = append(f, fe.Fields...)
	}
	if c.AssigneeID != "" && c.AssigneeID != before.AssigneeID {
		checkAssignee(ctx, tx, c.AssigneeID, &f)
	}
	if c.ContactID != before.ContactID {
		if err := checkCaseContact(ctx, tx, c.AccountID, c.ContactID, &f); err != nil {
			return c, err
		}
	}
	if c.Category != before.Category {
		if err := checkCategory(ctx, tx, c.Category, &f); err != nil {
			return c, err
		}
	}
	if err := f.Err(); err != nil {
		return c, err
	}
	acc, err := tx.Account(ctx, c.AccountID)
	if err != nil {
		return c, err
	}
	if c.Priority != before.Priority {
		_, pol := a.sla()
		t := pol.For(acc.Tier, c.Priority)
		c.Clocks.FirstResponseTarget, c.Clocks.ResolutionTarget = t.FirstResponse, t.Resolution
		c.Clocks.Alerts = 0
		a.refreshDue(&c)
	}
	now := a.Now()
	c.UpdatedAt, c.Version = now, before.Version+1
	if err := tx.UpdateCase(ctx, c, before.Version); err != nil {
		return c, err
	}
	if c.Priority != before.Priority {
		if err := a.scheduleNextCheck(ctx, tx, c); err != nil {
			return c, err
		}
	}
	kind := "case.updated"
	if c.AssigneeID != before.AssigneeID {
		kind = "case.assigned"
	}
	if err := a.record(ctx, tx, actor, now, change{kind: kind, accountID: c.AccountID, subjectType: "case", subjectID: c.ID, team: "service",
		before: before, after: c}); err != nil {
		return c, err
	}
	if kind != "case.assigned" {
		return c, nil
	}
	sla := a.SLAOf(c)
	return c, a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.CaseAssigned, SubjectType: "case", SubjectID: c.ID, AccountID: acc.ID,
		URL: "/cases/" + c.ID, Message: fmt.Sprintf("%s: case #%d assigned to you by %s (%s priority, %s): %s", acc.Name, c.Number,
			actorName(actor), c.Priority, event.Human(string(sla.State)), c.Subject)}, c.AssigneeID)
}

func actorName(actor access.Actor) string {
	if actor.User.ID == "" {
		return "Tandem"
	}
	return actor.User.Name
}

// ConfirmationRate is how many closed cases the customer confirmed.
type ConfirmationRate struct {
	Key       string  `json:"key"`
	Closed    int     `json:"closed"`
	Confirmed int     `json:"confirmed"`
	Rate      float64 `json:"rate"`
}

// ConfirmationRates are the confirmation rates of cases closed in
// [from, to), by assignee and by category. A zero to means up to now, a
// case closed this very millisecond included (times are kept to the
// millisecond).
func (a *App) ConfirmationRates(ctx context.Context, actor access.Actor, from, to time.Time) (byAgent, byCategory []ConfirmationRate, err error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, nil, err
	}
	if to.IsZero() {
		to = a.Now().Truncate(time.Millisecond).Add(time.Millisecond)
	}
	counts, err := a.store.ClosedCounts(ctx, from, to)
	if err != nil {
		return nil, nil, err
	}
	sum := func(key func(store.ClosedCount) string) []ConfirmationRate {
		index := map[string]int{}
		var out []ConfirmationRate
		for _, c := range counts {
			k := key(c)
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, ConfirmationRate{Key: k})
			}
			out[i].Closed += c.Closed
			out[i].Confirmed += c.Confirmed
		}
		for i := range out {
			out[i].Rate = float64(out[i].Confirmed) / float64(out[i].Closed)
		}
		return out
	}
	return sum(func(c store.ClosedCount) string { return c.AssigneeID }), sum(func(c store.ClosedCount) string { return c.Category }), nil
}

// EmailPreferences says, per kind of notification, whether the actor also
// wants it by email (sent when the server has --smtp).
func (a *App) EmailPreferences(ctx context.Context, actor access.Actor) (map[string]bool, error) {
	chosen, err := a.store.EmailPrefs(ctx, actor.User.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, k := range inbox.Kinds {
		v, ok := chosen[k]
		if !ok {
			v = inbox.EmailByDefault
		}
		out[k] = v
	}
	return out, nil
}

// SetEmailPreferences records the actor's choices; unknown kinds are refused.
func (a *App) SetEmailPreferences(ctx context.Context, actor access.Actor, prefs map[string]bool) (map[string]bool, error) {
	var f fault.Fields
	for k := range prefs {
		if !slices.Contains(inbox.Kinds, k) {
			f.Add(k, "not a kind of notification; use one of: "+strings.Join(inbox.Kinds, ", "))
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		for k, v := range prefs {
			if err := tx.SetEmailPref(ctx, actor.User.ID, k, v); err != nil {
				return err
			}
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "user.notification_preferences_changed", subjectType: "user", subjectID: actor.User.ID,
			offTimeline: true, after: prefs})
	})
	if err != nil {
		return nil, err
	}
	return a.EmailPreferences(ctx, actor)
}

// Categories lists the case categories.
func (a *App) Categories(ctx context.Context, actor access.Actor) ([]store.Category, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.Categories(ctx)
}

// SaveCategory adds a case category or retires one (managers).
func (a *App) SaveCategory(ctx context.Context, actor access.Actor, c store.Category) (store.Category, error) {
	if err := actor.Require(access.EditSLA, false); err != nil {
		return c, err
	}
	c.Name = strings.ToLower(strings.Join(strings.Fields(c.Name), " "))
	if c.Name == "" || len(c.Name) > 60 {
		return c, (&fault.Fields{{Field: "name", Message: "name the category in under 60 characters"}}).Err()
	}
	return c, a.store.InTx(ctx, func(tx *store.Tx) error {
		now := a.Now()
		if err := tx.SaveCategory(ctx, c, now); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "case_category.saved", subjectType: "case_category", subjectID: c.Name, offTimeline: true, after: c})
	})
}

// caseAt loads a case the caller read at version (0: any).
func caseAt(ctx context.Context, tx *store.Tx, id string, version int64) (cases.Case, error) {
	c, err := tx.Case(ctx, id)
	if err == nil && version != 0 && version != c.Version {
		err = fault.StaleVersion("case")
	}
	return c, err
}

// checkAssignee adds a field error unless the user may be assigned cases.
func checkAssignee(ctx context.Context, tx *store.Tx, id string, f *fault.Fields) {
	u, err := tx.User(ctx, id)
	if err != nil || !holdsCases(u) {
		f.Add("assignee_id", "assign the case to an active service agent")
	}
}

// holdsCases is whether a case can be assigned to u.
func holdsCases(u access.User) bool {
	return u.Active && (u.Role == access.Service || u.Role == access.Manager)
}

// Agents lists the users a case can be assigned to, by name.
func (a *App) Agents(ctx context.Context, actor access.Actor) ([]access.User, error) {
	users, err := a.Users(ctx, actor)
	if err != nil {
		return nil, err
	}
	out := slices.DeleteFunc(users, func(u access.User) bool { return !holdsCases(u) })
	slices.SortFunc(out, func(x, y access.User) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// checkCategory adds a field error unless the category is in use.
func checkCategory(ctx context.Context, tx *store.Tx, name string, f *fault.Fields) error {
	list, err := tx.Categories(ctx)
	if err != nil {
		return err
	}
	var names []string
	for _, c := range list {
		if c.Active {
			if c.Name == name {
				return nil
			}
			names = append(names, c.Name)
		}
	}
	f.Add("category", "use one of: "+strings.Join(names, ", "))
	return nil
}
