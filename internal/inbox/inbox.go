// Package inbox holds notifications: what reaches a person because
// something at their accounts needs them ("first to know"). Each says why
// it came and links to the thing.
package inbox

import "time"

// Kinds of notification.
const (
	CaseOpened            = "case_opened"
	CaseAssigned          = "case_assigned"
	CaseReopened          = "case_reopened"
	CaseClosedUnconfirmed = "case_closed_unconfirmed"
	SLAAtRisk             = "sla_at_risk"
	SLABreached           = "sla_breached"
	NegativeInteraction   = "negative_interaction"
	CompetitorQuote       = "competitor_quote"
	PolicyChanged         = "policy_changed" // a service policy was set: every sales user hears of it
	PromiseOverdue        = "promise_overdue"
	PromiseBroken         = "promise_broken"
)

// Kinds of notification about goodwill.
const (
	GoodwillPending = "goodwill_pending" // to managers: a request above its requester's limit waits for them
	GoodwillDecided = "goodwill_decided" // to the requester: a manager approved or rejected it
)

func init() { Kinds = append(Kinds, GoodwillPending, GoodwillDecided) }

// NextSale tells an account's owner that service started a deal for them:
// the customer is happy and asked about more.
const NextSale = "next_sale"

func init() { Kinds = append(Kinds, NextSale) }

// SurveyProblem tells an account's owner at once that a customer's
// follow-up survey found a problem (a "no", a low NPS or CSAT), and that
// a case was opened for it.
const SurveyProblem = "survey_problem"

func init() { Kinds = append(Kinds, SurveyProblem) }

// TaskAssigned tells a person someone gave them a task (created it for
// them, or moved it to them).
const TaskAssigned = "task_assigned"

func init() { Kinds = append(Kinds, TaskAssigned) }

// Kinds lists every kind of notification.
var Kinds = []string{CaseOpened, CaseAssigned, CaseReopened, CaseClosedUnconfirmed, SLAAtRisk, SLABreached, NegativeInteraction, CompetitorQuote,
	PolicyChanged}

// The promise ledger's kinds: a promise not kept by its due time, and one
// that stayed unkept past its grace period.
func init() { Kinds = append(Kinds, PromiseOverdue, PromiseBroken, PolicyFaulty) }

// PolicyFaulty tells the managers that a service policy's rule failed on a
// promise being made: once per version of the policy.
const PolicyFaulty = "policy_faulty"

// EmailByDefault is whether a kind goes by email too when its recipient
// has not chosen: on, so that an owner first to know is told even when
// not signed in.
const EmailByDefault = true

// Notification is one message in a person's inbox.
type Notification struct {
	ID          string    `json:"id"`
	RecipientID string    `json:"recipient_id"`
	Kind        string    `json:"kind"`
	SubjectType string    `json:"subject_type"`
	SubjectID   string    `json:"subject_id"`
	AccountID   string    `json:"account_id"`
	Message     string    `json:"message"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
	ReadAt      time.Time `json:"read_at"`
}
