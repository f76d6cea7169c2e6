package survey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// Triggers: what happened that a survey follows.
const (
	Manual         = "manual"          // a rep sent it
	OrderDelivered = "order_delivered" // an order was delivered
	CaseClosed     = "case_closed"     // a case was closed
	DealWon        = "deal_won"        // a deal was won
	PromiseKept    = "promise_kept"    // a promise was kept
)

// Triggers lists every trigger.
var Triggers = []string{Manual, OrderDelivered, CaseClosed, DealWon, PromiseKept}

// Channels an invitation goes by, and a response comes by.
const (
	ChannelEmail      = "email"      // sent through the outbox
	ChannelLink       = "link"       // returned to a rep to paste
	ChannelSuppressed = "suppressed" // recorded but not sent: SuppressedReason says why
	ChannelWeb        = "web"        // a response from the customer's link
	ChannelPhone      = "phone"      // a response the owner recorded on a call
	ChannelAPI        = "api"        // a response recorded through the API
)

// Invitation asks one contact to answer one template's version.
type Invitation struct {
	ID               string    `json:"id"`
	TemplateID       string    `json:"template_id"`
	TemplateVersion  int64     `json:"template_version"`
	AccountID        string    `json:"account_id"`
	ContactID        string    `json:"contact_id"`
	Trigger          string    `json:"trigger" enum:"manual,order_delivered,case_closed,deal_won,promise_kept"`
	CauseType        string    `json:"cause_type,omitempty" example:"order"`
	CauseID          string    `json:"cause_id,omitempty"`
	FollowUpID       string    `json:"follow_up_id,omitempty"`
	KeyID            string    `json:"-"`
	Channel          string    `json:"channel" enum:"email,link,suppressed"`
	SuppressedReason string    `json:"suppressed_reason,omitempty" example:"Ann Lee was asked 3 days ago; at most one survey per 14 days"`
	CreatedByID      string    `json:"created_by_id,omitempty"`
	ExpiresAt        time.Time `json:"expires_at"`
	AnsweredAt       time.Time `json:"answered_at,omitzero" doc:"When it was answered; absent until then"`
	ResponseID       string    `json:"response_id,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	Version          int64     `json:"version"`
	// URL is where the customer answers (absolute when email is set up).
	URL string `json:"url,omitempty" example:"https://tandem.example.com/s/01HZX…"`
	// RecentlyAsked, on a survey just sent by hand, says the contact was
	// sent one within the fatigue limit (it went all the same).
	RecentlyAsked string `json:"recently_asked,omitempty" example:"Ann Lee was sent a survey 3 days ago; at most one survey per contact every 14 days"`
}

// State says whether an invitation can still be answered.
func (i Invitation) State(now time.Time) string {
	switch {
	case !i.AnsweredAt.IsZero():
		return "answered"
	case i.Channel == ChannelSuppressed:
		return "suppressed"
	case !now.Before(i.ExpiresAt):
		return "expired"
	}
	return "open"
}

// Response is one set of answers.
type Response struct {
	ID              string    `json:"id"`
	InvitationID    string    `json:"invitation_id,omitempty"`
	FollowUpID      string    `json:"follow_up_id,omitempty"`
	AccountID       string    `json:"account_id"`
	ContactID       string    `json:"contact_id,omitempty"`
	OwnerID         string    `json:"owner_id,omitempty" doc:"The account's owner when it was answered"`
	Trigger         string    `json:"trigger" enum:"manual,order_delivered,case_closed,deal_won,promise_kept"`
	CauseType       string    `json:"cause_type,omitempty"`
	CauseID         string    `json:"cause_id,omitempty"`
	TemplateID      string    `json:"template_id"`
	TemplateVersion int64     `json:"template_version"`
	Channel         string    `json:"channel" enum:"web,phone,api"`
	RecordedByID    string    `json:"recorded_by_id,omitempty"`
	Outcome         string    `json:"outcome" enum:"problem,happy,neutral" doc:"problem opened a case; happy started a deal"`
	CaseID          string    `json:"case_id,omitempty"`
	DealID          string    `json:"deal_id,omitempty"`
	AnsweredAt      time.Time `json:"answered_at"`
	Answers         []Answer  `json:"answers"`
}

// FollowUp is what a trigger made for an account's owner: a task to call
// with the questions and, when the contact can be emailed and was not
// asked too lately, an invitation.
type FollowUp struct {
	ID               string    `json:"id"`
	AccountID        string    `json:"account_id"`
	ContactID        string    `json:"contact_id,omitempty"`
	OwnerID          string    `json:"owner_id,omitempty"`
	Trigger          string    `json:"trigger"`
	CauseType        string    `json:"cause_type"`
	CauseID          string    `json:"cause_id"`
	TemplateID       string    `json:"template_id"`
	TaskID           string    `json:"task_id,omitempty"`
	InvitationID     string    `json:"invitation_id,omitempty"`
	SuppressedReason string    `json:"suppressed_reason,omitempty"`
	ResponseID       string    `json:"response_id,omitempty"`
	CreatedAt        time.Time `json:"created_at"`
	Version          int64     `json:"version"`
}

// TriggerSetting is how one trigger follows up: after how long, with
// which template, or not at all.
type TriggerSetting struct {
	Trigger    string `json:"trigger" enum:"order_delivered,case_closed,deal_won,promise_kept"`
	On         bool   `json:"on"`
	DelayHours int    `json:"delay_hours" minimum:"0" maximum:"2160" example:"72"`
	TemplateID string `json:"template_id"`
}

// Delay is the setting's delay.
func (t TriggerSetting) Delay() time.Duration { return time.Duration(t.DelayHours) * time.Hour }

// Settings are the surveys' settings (managers).
type Settings struct {
	// ExpiryDays is how long an invitation's link works.
	ExpiryDays int `json:"expiry_days" minimum:"1" maximum:"365" example:"30"`
	// FatigueDays: at most one invitation per contact in this many days.
	FatigueDays int              `json:"fatigue_days" minimum:"0" maximum:"365" example:"14"`
	Triggers    []TriggerSetting `json:"triggers"`
}

// DefaultSettings: links work 30 days, a contact is asked at most once in
// 14, and every trigger is on with the default template.
func DefaultSettings() Settings {
	return Settings{ExpiryDays: 30, FatigueDays: 14, Triggers: []TriggerSetting{
		{OrderDelivered, true, 72, FollowUpID},
		{CaseClosed, true, 24, FollowUpID},
		{DealWon, true, 14 * 24, FollowUpID},
		{PromiseKept, true, 24, FollowUpID},
	}}
}

// Trigger returns a trigger's setting: the saved one, else the default.
func (s Settings) Trigger(name string) (TriggerSetting, bool) {
	for _, t := range s.Triggers {
		if t.Trigger == name {
			return t, true
		}
	}
	for _, t := range DefaultSettings().Triggers {
		if t.Trigger == name {
			return t, true
		}
	}
	return TriggerSetting{}, false
}

// Fatigue says why a contact must not be asked now, or "" when they may:
// lastAsked is when they were last sent an invitation (zero: never).
func (s Settings) Fatigue(contactName string, lastAsked, now time.Time) string {
	if s.FatigueDays <= 0 || lastAsked.IsZero() {
		return ""
	}
	if now.Sub(lastAsked) >= time.Duration(s.FatigueDays)*24*time.Hour {
		return ""
	}
	days := int(now.Sub(lastAsked).Hours() / 24)
	ago := "today"
	switch {
	case days == 1:
		ago = "yesterday"
	case days > 1:
		ago = itoa(days) + " days ago"
	}
	return contactName + " was sent a survey " + ago + "; at most one survey per contact every " + itoa(s.FatigueDays) + " days"
}

func itoa(n int) string { return strconv.Itoa(n) }

// Token is what a survey link carries: the invitation's id, the id of the
// key that signed it and the signature (HMAC-SHA256, cut to 144 bits), as
// "<invitation>.<key>.<signature>".
func Token(invitationID, keyID string, secret []byte) string {
	return invitationID + "." + keyID + "." + sign(invitationID, keyID, secret)
}

func sign(invitationID, keyID string, secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("survey." + invitationID + "." + keyID))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// SplitToken reads a token's parts; ok is false when it is not shaped
// like one.
func SplitToken(token string) (invitationID, keyID, sig string, ok bool) {
	if len(token) > 200 {
		return "", "", "", false
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// Verify reports whether sig is the signature of the invitation and key
// under secret.
func Verify(invitationID, keyID, sig string, secret []byte) bool {
	return hmac.Equal([]byte(sign(invitationID, keyID, secret)), []byte(sig))
}
