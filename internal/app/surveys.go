package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"tandem/internal/access"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/store"
	"tandem/internal/survey"
	"tandem/internal/task"
)

// SurveySettingsKey is the setting that holds the surveys' settings.
const SurveySettingsKey = "surveys"

// FollowUpCategory is the case category a problem found by a survey
// opens its case in; it is added when missing.
const FollowUpCategory = "follow-up problem"

// emailSurvey is the outbox kind of a survey invitation.
const emailSurvey = "survey_invitation"

func init() {
	RegisterCauseType(task.CauseFollowUp, func(ctx context.Context, tx *store.Tx, id string) (string, error) {
		f, err := tx.FollowUp(ctx, id)
		return f.AccountID, err
	})
}

// surveyKeys caches the keys that sign survey links: id → secret, and
// the newest id, which signs new links.
type surveyKeys struct {
	mu     sync.Mutex
	newest string
	byID   map[string][]byte
}

func (a *App) surveyKeyring() *surveyKeys { return &a.surveyKeys }

func (a *App) loadSurveyKeys(ctx context.Context, q interface {
	SurveyKeys(context.Context) ([]store.SurveyKey, error)
}) (string, map[string][]byte, error) {
	keys, err := q.SurveyKeys(ctx)
	if err != nil {
		return "", nil, err
	}
	m := map[string][]byte{}
	newest := ""
	for i, k := range keys {
		b, err := base64.RawURLEncoding.DecodeString(k.Secret)
		if err != nil {
			continue
		}
		m[k.ID] = b
		if i == 0 {
			newest = k.ID
		}
	}
	return newest, m, nil
}

// signingSurveyKey returns the key that signs new links, making the
// first one when there is none.
func (a *App) signingSurveyKey(ctx context.Context, tx *store.Tx) (string, []byte, error) {
	ring := a.surveyKeyring()
	ring.mu.Lock()
	id, secret := ring.newest, ring.byID[ring.newest]
	ring.mu.Unlock()
	if id != "" {
		return id, secret, nil
	}
	newest, m, err := a.loadSurveyKeys(ctx, tx)
	if err != nil {
		return "", nil, err
	}
	if newest == "" {
		k, err := a.addSurveyKey(ctx, tx)
		if err != nil {
			return "", nil, err
		}
		b, _ := base64.RawURLEncoding.DecodeString(k.Secret)
		return k.ID, b, nil
	}
	tx.AfterCommit(func() { ring.mu.Lock(); ring.newest, ring.byID = newest, m; ring.mu.Unlock() })
	return newest, m[newest], nil
}

func (a *App) addSurveyKey(ctx context.Context, tx *store.Tx) (store.SurveyKey, error) {
	secret := make([]byte, 32)
	rand.Read(secret)
	k := store.SurveyKey{ID: newID(), Secret: base64.RawURLEncoding.EncodeToString(secret), CreatedAt: a.Now()}
	if err := tx.InsertSurveyKey(ctx, k); err != nil {
		return k, err
	}
	ring := a.surveyKeyring()
	tx.AfterCommit(func() { ring.mu.Lock(); ring.newest, ring.byID = "", nil; ring.mu.Unlock() })
	return k, nil
}

// RotateSurveyKeys adds a new key that signs survey links from now on;
// the older keys keep verifying, so links already sent keep working
// (admins).
func (a *App) RotateSurveyKeys(ctx context.Context, actor access.Actor) (string, error) {
	if err := actor.Require(access.RotateSurveyKeys, false); err != nil {
		return "", err
	}
	var id string
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		k, err := a.addSurveyKey(ctx, tx)
		id = k.ID
		if err != nil {
			return err
		}
		return a.record(ctx, tx, actor, a.Now(), change{kind: "survey.key_rotated", subjectType: "survey_key", subjectID: k.ID, offTimeline: true,
			after: map[string]string{"key_id": k.ID}})
	})
	return id, err
}

// verifySurveyKey returns the secret of a key id, reading the keys again
// when it is not cached (another process may have rotated).
func (a *App) verifySurveyKey(ctx context.Context, keyID string) ([]byte, bool, error) {
	ring := a.surveyKeyring()
	ring.mu.Lock()
	secret, ok := ring.byID[keyID]
	ring.mu.Unlock()
	if ok {
		return secret, true, nil
	}
	newest, m, err := a.loadSurveyKeys(ctx, a.store)
	if err != nil {
		return nil, false, err
	}
	ring.mu.Lock()
	ring.newest, ring.byID = newest, m
	ring.mu.Unlock()
	secret, ok = m[keyID]
	return secret, ok, nil
}

// errBadSurvey is the answer to any link that is not one Tandem signed:
// it says nothing of which part was wrong.
var errBadSurvey = fault.NotFoundf("this survey link is not valid")

// ensureSurveyDefaults adds the default templates once per database.
func (a *App) ensureSurveyDefaults(ctx context.Context) error {
	if a.surveyDefaults.Load() {
		return nil
	}
	existing, err := a.store.SurveyTemplates(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(existing, func(t survey.Template) bool { return t.ID == survey.FollowUpID }) {
		err = a.store.InTx(ctx, func(tx *store.Tx) error { return a.insertSurveyDefaults(ctx, tx) })
	}
	if err == nil {
		a.surveyDefaults.Store(true)
	}
	return err
}

func (a *App) insertSurveyDefaults(ctx context.Context, tx *store.Tx) error {
	now := a.Now()
	for _, t := range survey.Defaults() {
		t.TemplateVersion, t.CreatedAt, t.UpdatedAt = 1, now, now
		if err := tx.InsertSurveyTemplate(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

// surveyTemplate reads a template in a transaction, adding the defaults
// first when it is one of them.
func (a *App) surveyTemplate(ctx context.Context, tx *store.Tx, id string) (survey.Template, error) {
	t, err := tx.SurveyTemplate(ctx, id)
	if fault.KindOf(err) == fault.NotFound && (id == survey.FollowUpID || id == survey.YardstickID) {
		if err := a.insertSurveyDefaults(ctx, tx); err != nil {
			return t, err
		}
		return tx.SurveyTemplate(ctx, id)
	}
	return t, err
}

// SurveyTemplates lists the survey templates.
func (a *App) SurveyTemplates(ctx context.Context, actor access.Actor) ([]survey.Template, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return nil, err
	}
	return a.store.SurveyTemplates(ctx)
}

// SurveyTemplate returns one template.
func (a *App) SurveyTemplate(ctx context.Context, actor access.Actor, id string) (survey.Template, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return survey.Template{}, err
	}
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return survey.Template{}, err
	}
	return a.store.SurveyTemplate(ctx, id)
}

// CreateSurveyTemplate adds a template (managers).
func (a *App) CreateSurveyTemplate(ctx context.Context, actor access.Actor, t survey.Template) (survey.Template, error) {
	if err := actor.Require(access.EditSurveys, false); err != nil {
		return survey.Template{}, err
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		return survey.Template{}, err
	}
	now := a.Now()
	t.ID, t.TemplateVersion, t.CreatedAt, t.UpdatedAt, t.Version = newID(), 1, now, now, 1
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertSurveyTemplate(ctx, t); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, now, change{kind: "survey.template_created", subjectType: "survey", subjectID: t.ID, offTimeline: true, after: t})
	})
	return t, err
}

// SurveyPatch is a change to a template; nil fields stay.
type SurveyPatch struct {
	Name        *string
	Description *string
	Questions   *[]survey.Question
}

// UpdateSurveyTemplate changes a template (managers). A version that was
// sent or answered is never changed: the edit becomes the next version,
// and old answers keep theirs.
func (a *App) UpdateSurveyTemplate(ctx context.Context, actor access.Actor, id string, p SurveyPatch, version int64) (survey.Template, error) {
	if err := actor.Require(access.EditSurveys, false); err != nil {
		return survey.Template{}, err
	}
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return survey.Template{}, err
	}
	var out survey.Template
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.SurveyTemplate(ctx, id)
		if err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("survey")
		}
		t := before
		if p.Name != nil {
			t.Name = *p.Name
		}
		if p.Description != nil {
			t.Description = *p.Description
		}
		if p.Questions != nil {
			t.Questions = slices.Clone(*p.Questions)
		}
		t.Normalize()
		if err := t.Validate(); err != nil {
			return err
		}
		used, err := tx.SurveyVersionUsed(ctx, id, before.TemplateVersion)
		if err != nil {
			return err
		}
		if used {
			t.TemplateVersion++
		}
		t.UpdatedAt, t.Version = a.Now(), before.Version+1
		if err := tx.UpdateSurveyTemplate(ctx, t, before.Version); err != nil {
			return err
		}
		out = t
		return a.record(ctx, tx, actor, t.UpdatedAt, change{kind: "survey.template_changed", subjectType: "survey", subjectID: t.ID, offTimeline: true,
			before: before, after: t})
	})
	return out, err
}

// SurveySettings returns the surveys' settings: the saved ones or the
// defaults; version 0 until a manager saves them.
func (a *App) SurveySettings(ctx context.Context, actor access.Actor) (survey.Settings, int64, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return survey.Settings{}, 0, err
	}
	return surveySettings(ctx, a.store)
}

func surveySettings(ctx context.Context, r settingReader) (survey.Settings, int64, error) {
	st, found, err := r.Setting(ctx, SurveySettingsKey)
	if err != nil || !found {
		return survey.DefaultSettings(), 0, err
	}
	s := survey.DefaultSettings()
	if err := json.Unmarshal(st.Spec, &s); err != nil {
		return survey.Settings{}, 0, err
	}
	return s, st.Version, nil
}

// SaveSurveySettings saves the link expiry, the fatigue limit and each
// trigger's delay, template and switch (managers). version is the one
// read (0: the defaults), -1 to skip the check.
func (a *App) SaveSurveySettings(ctx context.Context, actor access.Actor, s survey.Settings, version int64) (survey.Settings, int64, error) {
	if err := actor.Require(access.EditSurveys, false); err != nil {
		return survey.Settings{}, 0, err
	}
	var f fault.Fields
	if s.ExpiryDays < 1 || s.ExpiryDays > 365 {
		f.Add("expiry_days", "a link works from 1 to 365 days")
	}
	if s.FatigueDays < 0 || s.FatigueDays > 365 {
		f.Add("fatigue_days", "from 0 (no limit) to 365 days")
	}
	seen := map[string]bool{}
	for i, t := range s.Triggers {
		field := fmt.Sprintf("triggers[%d]", i)
		if !slices.Contains(survey.Triggers, t.Trigger) || t.Trigger == survey.Manual || seen[t.Trigger] {
			f.Add(field+".trigger", "use each of order_delivered, case_closed, deal_won, promise_kept once")
		}
		seen[t.Trigger] = true
		if t.DelayHours < 0 || t.DelayHours > 2160 {
			f.Add(field+".delay_hours", "a delay is from 0 to 2160 hours (90 days)")
		}
	}
	if err := f.Err(); err != nil {
		return survey.Settings{}, 0, err
	}
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return survey.Settings{}, 0, err
	}
	var saved int64
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		for i, t := range s.Triggers {
			if _, err := tx.SurveyTemplate(ctx, t.TemplateID); fault.KindOf(err) == fault.NotFound {
				return (&fault.Fields{{Field: fmt.Sprintf("triggers[%d].template_id", i), Message: "no survey has this id"}}).Err()
			} else if err != nil {
				return err
			}
		}
		cur, _, err := tx.Setting(ctx, SurveySettingsKey)
		if err != nil {
			return err
		}
		if version < -1 || (version >= 0 && version != cur.Version) {
			return fault.StaleVersion("survey settings")
		}
		b, _ := json.Marshal(s)
		now := a.Now()
		if err := tx.SaveSetting(ctx, store.Setting{Key: SurveySettingsKey, Name: "Surveys", Spec: b, UpdatedAt: now}, cur.Version); err != nil {
			return err
		}
		saved = cur.Version + 1
		return a.record(ctx, tx, actor, now, change{kind: "survey.settings_changed", subjectType: "setting", subjectID: SurveySettingsKey,
			offTimeline: true, after: json.RawMessage(b)})
	})
	return s, saved, err
}

// surveyURL is the address of an invitation's page.
func (a *App) surveyURL(i survey.Invitation, secret []byte) string {
	return a.publicURL + "/s/" + survey.Token(i.ID, i.KeyID, secret)
}

// SendSurvey creates an invitation for a contact and returns it with
// its link, for a rep to paste into a chat; when email is on and the
// contact has an address it also goes by email. A rep's send is
// deliberate and is not held back by the fatigue limit (triggers are).
func (a *App) SendSurvey(ctx context.Context, actor access.Actor, templateID, contactID, accountID, trigger string) (survey.Invitation, error) {
	if err := actor.Require(access.SendSurveys, false); err != nil {
		return survey.Invitation{}, err
	}
	if trigger == "" {
		trigger = survey.Manual
	}
	var f fault.Fields
	if !slices.Contains(survey.Triggers, trigger) {
		f.Add("trigger", "use one of: "+strings.Join(survey.Triggers, ", "))
	}
	if contactID == "" {
		f.Add("contact_id", "choose who is asked")
	}
	if err := f.Err(); err != nil {
		return survey.Invitation{}, err
	}
	var out survey.Invitation
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		t, err := a.surveyTemplate(ctx, tx, templateID)
		if err != nil {
			return err
		}
		ct, err := tx.Contact(ctx, contactID)
		if fault.KindOf(err) == fault.NotFound {
			return (&fault.Fields{{Field: "contact_id", Message: "no contact has this id"}}).Err()
		} else if err != nil {
			return err
		}
		if accountID == "" {
			accountID = ct.AccountID
		} else if accountID != ct.AccountID {
			return (&fault.Fields{{Field: "account_id", Message: "this contact belongs to another account"}}).Err()
		}
		acc, err := tx.AccountOwner(ctx, accountID)
		if err != nil {
			return err
		}
		settings, _, err := surveySettings(ctx, tx)
		if err != nil {
			return err
		}
		recent, err := surveyFatigue(ctx, tx, settings, ct, a.Now())
		if err != nil {
			return err
		}
		inv := survey.Invitation{TemplateID: t.ID, TemplateVersion: t.TemplateVersion, AccountID: acc.ID, ContactID: ct.ID, Trigger: trigger,
			Channel: survey.ChannelLink, CreatedByID: actor.User.ID}
		out, err = a.invite(ctx, tx, actor, inv, acc, ct, t)
		out.RecentlyAsked = recent
		return err
	})
	return out, err
}

// SurveyFatigue says, for a rep about to send a survey by hand, that the
// contact was sent one within the fatigue limit ("" when not): a send by
// hand goes all the same, but the rep should know.
func (a *App) SurveyFatigue(ctx context.Context, actor access.Actor, contactID string) (string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return "", err
	}
	ct, err := a.store.Contact(ctx, contactID)
	if err != nil {
		return "", err
	}
	settings, _, err := surveySettings(ctx, a.store)
	if err != nil {
		return "", err
	}
	return surveyFatigue(ctx, a.store, settings, ct, a.Now())
}

// surveyFatigue is why a contact would not be asked now by a trigger
// ("" when they would).
func surveyFatigue(ctx context.Context, q interface {
	LastSurveySent(context.Context, string) (time.Time, error)
}, settings survey.Settings, ct customer.Contact, now time.Time) (string, error) {
	last, err := q.LastSurveySent(ctx, ct.ID)
	if err != nil {
		return "", err
	}
	return settings.Fatigue(ct.Name, last, now), nil
}

// invite writes an invitation (suppressed when it has a reason) and, when
// it can go by email, its email.
func (a *App) invite(ctx context.Context, tx *store.Tx, actor access.Actor, inv survey.Invitation, acc customer.Account, ct customer.Contact,
	t survey.Template) (survey.Invitation, error) {
	s, _, err := surveySettings(ctx, tx)
	if err != nil {
		return inv, err
	}
	now := a.Now()
	keyID, secret, err := a.signingSurveyKey(ctx, tx)
	if err != nil {
		return inv, err
	}
	inv.ID, inv.KeyID, inv.CreatedAt, inv.Version = newID(), keyID, now, 1
	inv.ExpiresAt = now.Add(time.Duration(s.ExpiryDays) * 24 * time.Hour)
	if inv.Channel != survey.ChannelSuppressed && a.EmailOn() && ct.Email != "" {
		inv.Channel = survey.ChannelEmail
	}
	if err := tx.InsertSurveyInvitation(ctx, inv); err != nil {
		return inv, err
	}
	if inv.Channel != survey.ChannelSuppressed {
		inv.URL = a.surveyURL(inv, secret)
	}
	kind := "survey.sent"
	if inv.Channel == survey.ChannelSuppressed {
		kind = "survey.suppressed"
	}
	if err := a.record(ctx, tx, actor, now, change{kind: kind, accountID: acc.ID, subjectType: "survey_invitation", subjectID: inv.ID, team: teamOf(actor),
		after: invitationSnap{Invitation: inv, AccountName: acc.Name, ContactName: ct.Name, TemplateName: t.Name}}); err != nil {
		return inv, err
	}
	if inv.Channel != survey.ChannelEmail {
		return inv, nil
	}
	owner, err := tx.User(ctx, acc.OwnerID)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return inv, err
	}
	who := "The team"
	if owner.Name != "" {
		who = owner.Name
	}
	var qs strings.Builder
	for _, q := range t.Questions {
		if q.Type != survey.Text {
			qs.WriteString("  - " + q.Label + "\n")
		}
	}
	body := fmt.Sprintf("Hello %s,\n\nThank you for working with us. Would you give us one minute and answer a few short questions?\n\n%s\n"+
		"Answer here (no sign-in needed):\n\n%s\n\nThe link works until %s and can be used once.\n\n%s\n", ct.Name, qs.String(), inv.URL,
		a.day(inv.ExpiresAt), who)
	return inv, tx.InsertEmail(ctx, store.Email{ID: newID(), ToAddress: ct.Email, Kind: emailSurvey, AccountID: acc.ID, SubjectID: inv.ID,
		Subject: "A minute for three questions?", Body: body, NextAttemptAt: now, CreatedAt: now})
}

// invitationSnap is what a survey invitation's event keeps.
type invitationSnap struct {
	survey.Invitation
	AccountName  string `json:"account_name"`
	ContactName  string `json:"contact_name"`
	TemplateName string `json:"template_name"`
}

// PublicSurvey is what a customer sees behind their link.
type PublicSurvey struct {
	Invitation  survey.Invitation
	Template    survey.Template
	AccountName string
	ContactName string
	// State is open, answered or expired.
	State string
	// OwnerName and OwnerEmail are who to contact when the link no
	// longer works.
	OwnerName, OwnerEmail string
}

// invitationFor reads a link: the invitation it names, if the signature
// is one of the keys'.
func (a *App) invitationFor(ctx context.Context, token string) (survey.Invitation, error) {
	id, keyID, sig, ok := survey.SplitToken(token)
	if !ok {
		return survey.Invitation{}, errBadSurvey
	}
	secret, ok, err := a.verifySurveyKey(ctx, keyID)
	if err != nil {
		return survey.Invitation{}, err
	}
	if !ok || !survey.Verify(id, keyID, sig, secret) {
		return survey.Invitation{}, errBadSurvey
	}
	inv, err := a.store.SurveyInvitation(ctx, id)
	if err != nil || inv.KeyID != keyID || inv.Channel == survey.ChannelSuppressed {
		if err != nil && fault.KindOf(err) != fault.NotFound {
			return inv, err
		}
		return survey.Invitation{}, errBadSurvey
	}
	return inv, nil
}

// SurveyFor returns the survey behind a customer's link. A link Tandem
// did not sign is not found, whatever part is wrong.
func (a *App) SurveyFor(ctx context.Context, token string) (PublicSurvey, error) {
	inv, err := a.invitationFor(ctx, token)
	if err != nil {
		return PublicSurvey{}, err
	}
	return a.publicSurvey(ctx, a.store, inv)
}

func (a *App) publicSurvey(ctx context.Context, q interface {
	SurveyTemplateVersion(context.Context, string, int64) (survey.Template, error)
	AccountOwner(context.Context, string) (customer.Account, error)
	Contact(context.Context, string) (customer.Contact, error)
	User(context.Context, string) (access.User, error)
}, inv survey.Invitation) (PublicSurvey, error) {
	t, err := q.SurveyTemplateVersion(ctx, inv.TemplateID, inv.TemplateVersion)
	if err != nil {
		return PublicSurvey{}, err
	}
	acc, err := q.AccountOwner(ctx, inv.AccountID)
	if err != nil {
		return PublicSurvey{}, err
	}
	ps := PublicSurvey{Invitation: inv, Template: t, AccountName: acc.Name, State: inv.State(a.Now())}
	if inv.ContactID != "" {
		if ct, err := q.Contact(ctx, inv.ContactID); err == nil {
			ps.ContactName = ct.Name
		}
	}
	if acc.OwnerID != "" {
		if u, err := q.User(ctx, acc.OwnerID); err == nil && u.Active {
			ps.OwnerName, ps.OwnerEmail = u.Name, u.Email
		}
	}
	return ps, nil
}

// AnswerInput is a set of answers: to a customer's link (Token), an
// invitation (InvitationID: recorded through the API) or a follow-up
// (FollowUpID: the owner's call, recorded in the UI).
type AnswerInput struct {
	Token        string
	InvitationID string
	FollowUpID   string
	// Answers are the values as given, by question key.
	Answers map[string]string
}

// ErrSurveyClosed is the answer to a link that was used or has expired.
var ErrSurveyClosed = fault.New(fault.Conflict, "this survey was answered already or its link has expired")

// AnswerSurvey records a set of answers and closes the loop, in one
// transaction: any "no", an NPS of 6 or less or a CSAT of 2 or less opens
// a case (category follow-up problem, the answers quoted) and tells the
// account's owner at once (survey_problem); every yes/no "yes" and an
// NPS of 9 or more starts a deal in the pipeline's first stage for the
// owner (next_sale). A customer's link (Token) needs no actor; the other
// ways need one who may send surveys. Bad answers are reported under
// their question's key; an answered or expired invitation is a conflict
// (ErrSurveyClosed) and changes nothing.
func (a *App) AnswerSurvey(ctx context.Context, actor access.Actor, in AnswerInput) (survey.Response, error) {
	var inv survey.Invitation
	channel := survey.ChannelWeb
	if in.Token != "" {
		var err error
		if inv, err = a.invitationFor(ctx, in.Token); err != nil {
			return survey.Response{}, err
		}
		actor = access.Actor{User: access.User{Name: "the customer", Active: true}, Scope: access.ScopeWrite}
	} else {
		if err := actor.Require(access.RecordAnswers, true); err != nil { // whose answers they are is checked below
			return survey.Response{}, err
		}
		channel = survey.ChannelPhone
		if in.FollowUpID == "" {
			channel = survey.ChannelAPI
		}
		if in.InvitationID == "" && in.FollowUpID == "" {
			return survey.Response{}, (&fault.Fields{{Field: "invitation_id", Message: "name the invitation (or the follow-up) the answers are for"}}).Err()
		}
	}
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return survey.Response{}, err
	}
	var out survey.Response
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		now := a.Now()
		var fu survey.FollowUp
		var err error
		if in.FollowUpID != "" {
			if fu, err = tx.FollowUp(ctx, in.FollowUpID); err != nil {
				return err
			}
			if fu.ResponseID != "" {
				return ErrSurveyClosed
			}
			if fu.InvitationID != "" && in.InvitationID == "" {
				in.InvitationID = fu.InvitationID
			}
		}
		if in.Token == "" && in.InvitationID != "" {
			if inv, err = tx.SurveyInvitation(ctx, in.InvitationID); err != nil {
				if fault.KindOf(err) == fault.NotFound {
					return (&fault.Fields{{Field: "invitation_id", Message: "no survey invitation has this id"}}).Err()
				}
				return err
			}
			// Named together, the invitation must be the follow-up's own:
			// else one answer would close two customers' surveys.
			if fu.ID != "" && (inv.ID != fu.InvitationID || (inv.FollowUpID != "" && inv.FollowUpID != fu.ID)) {
				return (&fault.Fields{{Field: "invitation_id", Message: "this invitation is not the follow-up's; name one of the two"}}).Err()
			}
		}
		r := survey.Response{ID: newID(), Channel: channel, RecordedByID: actor.User.ID, AnsweredAt: now}
		var t survey.Template
		switch {
		case inv.ID != "":
			st := inv.State(now)
			// An owner on the phone may record answers to a suppressed or
			// expired invitation: they asked the questions themselves.
			if st == "answered" || (channel == survey.ChannelWeb && st != "open") {
				return ErrSurveyClosed
			}
			if t, err = tx.SurveyTemplateVersion(ctx, inv.TemplateID, inv.TemplateVersion); err != nil {
				return err
			}
			r.InvitationID, r.FollowUpID, r.AccountID, r.ContactID, r.Trigger, r.CauseType, r.CauseID = inv.ID, inv.FollowUpID, inv.AccountID,
				inv.ContactID, inv.Trigger, inv.CauseType, inv.CauseID
			r.TemplateID, r.TemplateVersion = t.ID, t.TemplateVersion
			if r.FollowUpID == "" {
				r.FollowUpID = fu.ID
			}
		default:
			if t, err = a.surveyTemplate(ctx, tx, fu.TemplateID); err != nil {
				return err
			}
			r.FollowUpID, r.AccountID, r.ContactID, r.Trigger, r.CauseType, r.CauseID = fu.ID, fu.AccountID, fu.ContactID, fu.Trigger, fu.CauseType, fu.CauseID
			r.TemplateID, r.TemplateVersion = t.ID, t.TemplateVersion
		}
		if r.FollowUpID != "" && fu.ID == "" {
			if fu, err = tx.FollowUp(ctx, r.FollowUpID); err != nil {
				return err
			}
		}
		acc, err := tx.AccountOwner(ctx, r.AccountID)
		if err != nil {
			return err
		}
		r.OwnerID = acc.OwnerID
		if channel != survey.ChannelWeb && !actor.Can(access.RecordAnswers, recordsOwn(actor, fu, inv, acc)) {
			return fault.Forbiddenf("only the account's owner, the follow-up's owner, who sent the survey or a manager may record these answers")
		}
		answers, err := t.Read(in.Answers)
		if err != nil {
			return err
		}
		r.Answers, r.Outcome = answers, survey.Outcome(answers)
		var ct customer.Contact
		if r.ContactID != "" {
			if ct, err = tx.Contact(ctx, r.ContactID); err != nil && fault.KindOf(err) != fault.NotFound {
				return err
			}
		}
		if err := tx.InsertSurveyResponse(ctx, r); err != nil {
			return err
		}
		if inv.ID != "" {
			ok, err := tx.AnswerSurveyInvitation(ctx, inv.ID, r.ID, now)
			if err != nil {
				return err
			}
			if !ok {
				return ErrSurveyClosed // answered by someone else in the meantime
			}
		}
		if fu.ID != "" {
			fu.ResponseID = r.ID
			if err := tx.UpdateFollowUp(ctx, fu); err != nil {
				if fault.KindOf(err) == fault.Stale {
					return ErrSurveyClosed // answered by someone else in the meantime
				}
				return err
			}
			if err := a.finishFollowUpTask(ctx, tx, actor, fu, now); err != nil {
				return err
			}
		}
		who := acc.Name
		if ct.Name != "" {
			who = ct.Name + " at " + acc.Name
		}
		summary := survey.Summary(t, answers)
		dealWasOpen := false
		switch r.Outcome {
		case survey.Problem:
			c, err := a.surveyCase(ctx, tx, actor, r, t, acc, who, summary)
			if err != nil {
				return err
			}
			r.CaseID = c.ID
		case survey.Happy:
			d, started, err := a.surveyDeal(ctx, tx, actor, acc, who, summary)
			if err != nil {
				return err
			}
			r.DealID, dealWasOpen = d.ID, !started
		}
		if r.CaseID != "" || r.DealID != "" {
			if err := tx.SetSurveyResponseOutcome(ctx, r.ID, r.CaseID, r.DealID); err != nil {
				return err
			}
		}
		out = r
		return a.record(ctx, tx, actor, now, change{kind: "survey.answered", accountID: acc.ID, subjectType: "survey_response", subjectID: r.ID,
			team: "sales", after: responseSnap{Response: r, AccountName: acc.Name, ContactName: ct.Name, Summary: summary, DealWasOpen: dealWasOpen}})
	})
	return out, err
}

// recordsOwn says whether the answers the actor records are theirs to
// record: they own the follow-up or the account, or sent the survey.
func recordsOwn(actor access.Actor, fu survey.FollowUp, inv survey.Invitation, acc customer.Account) bool {
	id := actor.User.ID
	return id != "" && (id == fu.OwnerID || id == acc.OwnerID || id == inv.CreatedByID)
}

// responseSnap is what a survey response's event keeps.
type responseSnap struct {
	survey.Response
	AccountName string `json:"account_name"`
	ContactName string `json:"contact_name"`
	Summary     string `json:"summary"`
	// DealWasOpen: a happy answer found the next sale under way already.
	DealWasOpen bool `json:"deal_was_open,omitempty"`
}

// causeLine names what a survey followed, for a case's description.
func causeLine(r survey.Response) string {
	switch r.CauseType {
	case "order":
		return "It followed the delivery of order " + r.CauseID + " (/orders/" + r.CauseID + ")."
	case "case":
		return "It followed the closing of case " + r.CauseID + " (/cases/" + r.CauseID + ")."
	case "deal":
		return "It followed the deal won " + r.CauseID + " (/deals/" + r.CauseID + ")."
	case "promise":
		return "It followed the promise kept " + r.CauseID + " (/promises/" + r.CauseID + ")."
	}
	return "It was sent by hand (" + r.Trigger + ")."
}

// surveyCase opens the case a problem answer calls for and tells the
// owner at once.
func (a *App) surveyCase(ctx context.Context, tx *store.Tx, actor access.Actor, r survey.Response, t survey.Template, acc customer.Account,
	who, summary string) (cases.Case, error) {
	cats, err := tx.Categories(ctx)
	if err != nil {
		return cases.Case{}, err
	}
	if !slices.ContainsFunc(cats, func(c store.Category) bool { return c.Name == FollowUpCategory && c.Active }) {
		if err := tx.SaveCategory(ctx, store.Category{Name: FollowUpCategory, Active: true}, a.Now()); err != nil {
			return cases.Case{}, err
		}
	}
	desc := who + " answered the follow-up survey (" + t.Name + ") on " + a.day(r.AnsweredAt) + ":\n\n" + survey.Quote(t, r.Answers) + "\n\n" +
		causeLine(r) + "\nSurvey response: " + r.ID
	c := cases.Case{AccountID: acc.ID, ContactID: r.ContactID, Subject: truncate("Follow-up: "+summary, 200), Description: truncate(desc, 9000),
		Category: FollowUpCategory, Priority: "high"}
	n := inbox.Notification{Kind: inbox.SurveyProblem, SubjectType: "case",
		Message: truncate(strings.TrimSuffix(who, " at "+acc.Name)+" answered the follow-up survey: "+summary, 300)}
	return a.openCaseTx(ctx, tx, actor, c, &n)
}

// surveyDeal starts the next sale a happy answer calls for (started),
// or finds the one under way.
func (a *App) surveyDeal(ctx context.Context, tx *store.Tx, actor access.Actor, acc customer.Account, who, summary string) (d deal.Deal, started bool, err error) {
	p, _, err := pipeline(ctx, tx)
	if err != nil {
		return deal.Deal{}, false, err
	}
	owner := acc.OwnerID
	if owner == "" {
		ms, err := tx.Managers(ctx)
		if err != nil || len(ms) == 0 {
			return deal.Deal{}, false, err
		}
		owner = ms[0]
	}
	now := a.Now()
	said := acc.Name + ": " + strings.TrimSuffix(who, " at "+acc.Name) + " answered the follow-up survey: " + summary + "."
	// One next sale at a time: a second happy answer while the first's
	// deal is open joins it, and its owner hears of it there.
	open, _, err := tx.Deals(ctx, store.DealFilter{AccountID: acc.ID, Source: deal.SourceServiceFollowUp, OpenOnly: true}, store.Page{Limit: 1})
	if err != nil {
		return deal.Deal{}, false, err
	}
	if len(open) > 0 {
		d = open[0]
		return d, false, a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.NextSale, SubjectType: "deal", SubjectID: d.ID, AccountID: acc.ID,
			URL: "/deals/" + d.ID, Message: truncate(said+" The next sale “"+d.Title+"” is under way: a good moment to move it on.", 300)}, d.OwnerID)
	}
	d = deal.Deal{ID: newID(), AccountID: acc.ID, OwnerID: owner, Title: truncate("Next sale: "+acc.Name+" is happy", 200),
		Amount: deal.Money{Currency: "EUR"}, Stage: p.Open()[0].Key, Source: deal.SourceServiceFollowUp, CreatedByID: actor.User.ID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := tx.InsertDeal(ctx, d); err != nil {
		return d, false, err
	}
	if err := a.recordDeal(ctx, tx, actor, now, "deal.created", d, p); err != nil {
		return d, false, err
	}
	return d, true, a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.NextSale, SubjectType: "deal", SubjectID: d.ID, AccountID: acc.ID,
		URL: "/deals/" + d.ID, Message: truncate(said+" Start the next sale while they are happy.", 300)}, owner)
}

// finishFollowUpTask marks a follow-up's call done: it was answered.
func (a *App) finishFollowUpTask(ctx context.Context, tx *store.Tx, actor access.Actor, fu survey.FollowUp, now time.Time) error {
	if fu.TaskID == "" {
		return nil
	}
	t, err := tx.Task(ctx, fu.TaskID)
	if err != nil || !t.Open() {
		return nil
	}
	before := t
	by := actor.User.ID
	if by == "" {
		by = t.OwnerID
	}
	if err := t.Complete(by, now); err != nil {
		return nil
	}
	t.UpdatedAt, t.Version = now, before.Version+1
	if err := tx.UpdateTask(ctx, t, before.Version); err != nil {
		return err
	}
	return a.recordTask(ctx, tx, actor, now, "task.completed", &before, t, true)
}

// SurveyResponse returns one response.
func (a *App) SurveyResponse(ctx context.Context, actor access.Actor, id string) (survey.Response, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return survey.Response{}, err
	}
	return a.store.SurveyResponse(ctx, id)
}

// SurveyResponses lists responses.
func (a *App) SurveyResponses(ctx context.Context, actor access.Actor, f store.ResponseFilter, p store.Page) ([]survey.Response, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	if f.Trigger != "" && !slices.Contains(survey.Triggers, f.Trigger) {
		return nil, "", (&fault.Fields{{Field: "trigger", Message: "use one of: " + strings.Join(survey.Triggers, ", ")}}).Err()
	}
	return a.store.SurveyResponses(ctx, f, p)
}

// FollowUp returns one follow-up.
func (a *App) FollowUp(ctx context.Context, actor access.Actor, id string) (survey.FollowUp, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return survey.FollowUp{}, err
	}
	return a.store.FollowUp(ctx, id)
}

// FollowUpLine is a follow-up as an account's list shows it: who was
// asked and, once answered, the response and what came of it.
type FollowUpLine struct {
	survey.FollowUp
	ContactName string           `json:"contact_name,omitempty"`
	Response    *survey.Response `json:"response,omitempty"`
}

// MaxFollowUps is the most follow-ups one list returns.
const MaxFollowUps = 100

// AccountFollowUps lists an account's follow-ups, the newest first (at
// most MaxFollowUps), each with its contact's name and its response.
func (a *App) AccountFollowUps(ctx context.Context, actor access.Actor, accountID string, limit int) ([]FollowUpLine, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	if _, err := a.store.AccountOwner(ctx, accountID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxFollowUps {
		limit = MaxFollowUps
	}
	list, err := a.store.FollowUps(ctx, accountID, limit)
	if err != nil {
		return nil, err
	}
	var contacts, responses []string
	for _, fu := range list {
		if fu.ContactID != "" {
			contacts = append(contacts, fu.ContactID)
		}
		if fu.ResponseID != "" {
			responses = append(responses, fu.ResponseID)
		}
	}
	names, err := a.ContactNames(ctx, actor, contacts)
	if err != nil {
		return nil, err
	}
	byID, err := a.store.SurveyResponsesByID(ctx, responses)
	if err != nil {
		return nil, err
	}
	out := make([]FollowUpLine, len(list))
	for i, fu := range list {
		out[i] = FollowUpLine{FollowUp: fu, ContactName: names[fu.ContactID]}
		if r, ok := byID[fu.ResponseID]; ok {
			out[i].Response = &r
		}
	}
	return out, nil
}

// FollowUpForm is what the owner's "record answers" form needs: the
// follow-up, its questions, and who to call.
type FollowUpForm struct {
	FollowUp    survey.FollowUp
	Template    survey.Template
	AccountName string
	ContactName string
	Phone       string
	Response    *survey.Response
	// MayRecord says whether the actor may record the answers; when not,
	// OwnerName says who may (with the managers).
	MayRecord bool
	OwnerName string
}

// FollowUpFormFor returns what the "record answers" form shows.
func (a *App) FollowUpFormFor(ctx context.Context, actor access.Actor, id string) (FollowUpForm, error) {
	fu, err := a.FollowUp(ctx, actor, id)
	if err != nil {
		return FollowUpForm{}, err
	}
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return FollowUpForm{}, err
	}
	out := FollowUpForm{FollowUp: fu}
	var inv survey.Invitation
	if fu.InvitationID != "" {
		if inv, err = a.store.SurveyInvitation(ctx, fu.InvitationID); err != nil {
			return out, err
		}
		out.Template, err = a.store.SurveyTemplateVersion(ctx, inv.TemplateID, inv.TemplateVersion)
		if err != nil {
			return out, err
		}
	} else if out.Template, err = a.store.SurveyTemplate(ctx, fu.TemplateID); err != nil {
		return out, err
	}
	acc, err := a.store.AccountOwner(ctx, fu.AccountID)
	if err != nil {
		return out, err
	}
	out.AccountName = acc.Name
	out.MayRecord = actor.Can(access.RecordAnswers, recordsOwn(actor, fu, inv, acc))
	if owner, err := a.store.User(ctx, fu.OwnerID); err == nil {
		out.OwnerName = owner.Name
	}
	if fu.ContactID != "" {
		if ct, err := a.store.Contact(ctx, fu.ContactID); err == nil {
			out.ContactName, out.Phone = ct.Name, ct.Phone
		}
	}
	if fu.ResponseID != "" {
		r, err := a.store.SurveyResponse(ctx, fu.ResponseID)
		if err != nil {
			return out, err
		}
		out.Response = &r
	}
	return out, nil
}

// surveyTrigger is called in the transaction that caused a follow-up
// (an order delivered, a case closed, a deal won, a promise kept): when
// the trigger is on, its follow-up is scheduled after the trigger's delay
// (RunDueFollowUps makes it then). Without a job queue to make it nothing
// is scheduled.
func (a *App) surveyTrigger(ctx context.Context, tx *store.Tx, trigger, causeType, causeID string) error {
	if a.jobs == nil {
		return nil
	}
	settings, _, err := surveySettings(ctx, tx)
	if err != nil {
		return err
	}
	ts, _ := settings.Trigger(trigger)
	if !ts.On {
		return nil
	}
	return tx.ScheduleFollowUp(ctx, store.DueFollowUp{Trigger: trigger, CauseType: causeType, CauseID: causeID, DueAt: a.Now().Add(ts.Delay())})
}

// followUpCause is what a follow-up needs of its cause: the account, the
// contact it concerns (if any) and a few words for the task's title.
func followUpCause(ctx context.Context, st *store.Store, causeType, causeID string) (accountID, contactID, what string, err error) {
	switch causeType {
	case "order":
		o, err := st.Order(ctx, causeID)
		return o.AccountID, "", fmt.Sprintf("order #%d was delivered", o.Number), err
	case "case":
		c, err := st.Case(ctx, causeID)
		return c.AccountID, c.ContactID, fmt.Sprintf("case #%d was closed", c.Number), err
	case "deal":
		d, err := st.Deal(ctx, causeID)
		return d.AccountID, "", "“" + d.Title + "” was won", err
	case "promise":
		p, err := st.Promise(ctx, causeID)
		return p.AccountID, p.ContactID, "a promise was kept", err
	}
	return "", "", "", fault.NotFoundf("no %s has that id", causeType)
}

// followUpContact chooses who is asked: the cause's contact when it has
// one, else the account's first contact with an email address, else its
// first contact.
func followUpContact(ctx context.Context, st *store.Store, accountID, contactID string) (customer.Contact, error) {
	if contactID != "" {
		ct, err := st.Contact(ctx, contactID)
		if err == nil || fault.KindOf(err) != fault.NotFound {
			return ct, err
		}
	}
	list, _, err := st.Contacts(ctx, accountID, store.Page{Limit: 100})
	if err != nil || len(list) == 0 {
		return customer.Contact{}, err
	}
	for _, ct := range list {
		if ct.Email != "" {
			return ct, nil
		}
	}
	return list[0], nil
}

// followUpFacts is what a follow-up is made of: the settings, the
// account with its owner, who is asked, the template and a few words on
// the cause. due is false when there is nothing to make: the trigger was
// switched off, or the cause is gone (merged, deleted).
type followUpFacts struct {
	due      bool
	settings survey.Settings
	account  customer.Account
	contact  customer.Contact
	template survey.Template
	what     string
}

func (a *App) followUpFacts(ctx context.Context, trigger, causeType, causeID string) (followUpFacts, error) {
	var f followUpFacts
	settings, _, err := surveySettings(ctx, a.store)
	if err != nil {
		return f, err
	}
	ts, ok := settings.Trigger(trigger)
	if !ok || !ts.On {
		return f, nil
	}
	accountID, contactID, what, err := followUpCause(ctx, a.store, causeType, causeID)
	if fault.KindOf(err) == fault.NotFound {
		return f, nil
	} else if err != nil {
		return f, err
	}
	acc, err := a.store.AccountOwner(ctx, accountID)
	if err != nil {
		return f, err
	}
	t, err := a.store.SurveyTemplate(ctx, ts.TemplateID)
	if fault.KindOf(err) == fault.NotFound {
		t, err = a.store.SurveyTemplate(ctx, survey.FollowUpID)
	}
	if err != nil {
		return f, err
	}
	ct, err := followUpContact(ctx, a.store, accountID, contactID)
	if err != nil {
		return f, err
	}
	return followUpFacts{due: true, settings: settings, account: acc, contact: ct, template: t, what: what}, nil
}

// RunFollowUp makes a trigger's follow-up for its cause, once: a record
// of it, a task for the account's owner to call with the questions, and,
// when the contact has an email address and was not asked within the
// fatigue limit, an invitation by email; a held-back invitation is
// recorded with its reason. A trigger switched off since it was
// scheduled makes nothing. The follow-up's schedule, if it has one, ends
// in the same transaction.
func (a *App) RunFollowUp(ctx context.Context, trigger, causeType, causeID string) (survey.FollowUp, error) {
	if err := a.ensureSurveyDefaults(ctx); err != nil {
		return survey.FollowUp{}, err
	}
	// What it needs is read first, outside the transaction, which then
	// holds the database's single writer only for what it writes.
	f, err := a.followUpFacts(ctx, trigger, causeType, causeID)
	if err != nil {
		return survey.FollowUp{}, err
	}
	actor := access.System
	var out survey.FollowUp
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.FollowUpMade(ctx, trigger, causeID); err != nil || !f.due {
			return err
		}
		settings, acc, ct, t, what := f.settings, f.account, f.contact, f.template, f.what
		now := a.Now()
		fu := survey.FollowUp{ID: newID(), AccountID: acc.ID, ContactID: ct.ID, OwnerID: acc.OwnerID, Trigger: trigger, CauseType: causeType,
			CauseID: causeID, TemplateID: t.ID, CreatedAt: now, Version: 1}
		inserted, err := tx.InsertFollowUp(ctx, fu)
		if err != nil || !inserted {
			return err // made already
		}
		who := acc.Name
		if ct.Name != "" {
			who = ct.Name + " at " + acc.Name
		}
		if acc.OwnerID != "" {
			tk, err := a.createTask(ctx, tx, actor, task.Task{Kind: task.FollowUp, Cause: task.Cause{Type: task.CauseFollowUp, ID: fu.ID},
				OwnerID: acc.OwnerID, AccountID: acc.ID, Title: truncate("Call "+who+" with the three questions: "+what, task.MaxTitle), DueAt: now})
			if err != nil {
				return err
			}
			fu.TaskID = tk.ID
		}
		switch {
		case ct.ID == "":
			fu.SuppressedReason = acc.Name + " has no contact to ask"
		case ct.Email == "":
			fu.SuppressedReason = ct.Name + " has no email address: call instead"
		case !a.EmailOn():
			fu.SuppressedReason = "email is off"
		default:
			if fu.SuppressedReason, err = surveyFatigue(ctx, tx, settings, ct, now); err != nil {
				return err
			}
		}
		if ct.ID != "" && (ct.Email != "" || fu.SuppressedReason == "") {
			inv := survey.Invitation{TemplateID: t.ID, TemplateVersion: t.TemplateVersion, AccountID: acc.ID, ContactID: ct.ID, Trigger: trigger,
				CauseType: causeType, CauseID: causeID, FollowUpID: fu.ID, Channel: survey.ChannelLink, SuppressedReason: fu.SuppressedReason}
			if fu.SuppressedReason != "" {
				inv.Channel = survey.ChannelSuppressed
			}
			inv, err = a.invite(ctx, tx, actor, inv, acc, ct, t)
			if err != nil {
				return err
			}
			fu.InvitationID = inv.ID
		}
		if err := tx.UpdateFollowUp(ctx, fu); err != nil {
			return err
		}
		fu.Version++
		out = fu
		return a.record(ctx, tx, actor, now, change{kind: "survey.follow_up", accountID: acc.ID, subjectType: "follow_up", subjectID: fu.ID, team: "sales",
			after: followUpSnap{FollowUp: fu, AccountName: acc.Name, ContactName: ct.Name, What: what}})
	})
	return out, err
}

// followUpLease is how long a drain holds the follow-ups it claimed: one
// not made by then (its process died) is due again.
const followUpLease = 5 * time.Minute

// RunDueFollowUps makes up to limit of the follow-ups that are due, the
// longest due first, one at a time and one each interval, so that a
// trigger firing for thousands of causes at once (10,000 orders delivered
// in one go) trickles into the database's single writer between the
// requests of the people at work rather than queueing in front of them.
// A follow-up that fails stays scheduled and is tried again when its
// claim runs out. It returns how many were done (made, or found to be
// needed no longer) and the first error.
func (a *App) RunDueFollowUps(ctx context.Context, limit int, interval time.Duration) (done int, err error) {
	now := a.Now()
	var due []store.DueFollowUp
	if err := a.store.InTx(ctx, func(tx *store.Tx) error {
		due, err = tx.ClaimDueFollowUps(ctx, now, now.Add(followUpLease), limit)
		return err
	}); err != nil || len(due) == 0 {
		return 0, err
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var first error
	for i, d := range due {
		if i > 0 {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return done, cmp.Or(first, ctx.Err())
			}
		}
		if _, err := a.RunFollowUp(ctx, d.Trigger, d.CauseType, d.CauseID); err != nil {
			a.log.Warn("follow-up not made", "trigger", d.Trigger, "cause", d.CauseType+" "+d.CauseID, "attempt", d.Attempts, "err", err)
			first = cmp.Or(first, err)
			continue
		}
		done++
	}
	return done, first
}

// followUpSnap is what a follow-up's event keeps.
type followUpSnap struct {
	survey.FollowUp
	AccountName string `json:"account_name"`
	ContactName string `json:"contact_name"`
	What        string `json:"what"`
}

// SurveyLink returns an invitation with the address of its page, for the
// rep who sent it to paste into a chat.
func (a *App) SurveyLink(ctx context.Context, actor access.Actor, invitationID string) (survey.Invitation, error) {
	if err := actor.Require(access.SendSurveys, false); err != nil {
		return survey.Invitation{}, err
	}
	inv, err := a.store.SurveyInvitation(ctx, invitationID)
	if err != nil {
		return inv, err
	}
	if inv.Channel == survey.ChannelSuppressed {
		return inv, nil
	}
	secret, ok, err := a.verifySurveyKey(ctx, inv.KeyID)
	if err != nil || !ok {
		return inv, err
	}
	inv.URL = a.surveyURL(inv, secret)
	return inv, nil
}
