package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/store"
)

// An edit form carries each field twice: as typed, and as was_<field>, the
// value it had when the form was opened, with the record's version. Only
// the fields the person changed are saved, so two people editing different
// fields of a record at once both keep their changes.

// editValues fills an edit form from a record's current values.
func editValues(current url.Values, fields []string, version int64) url.Values {
	v := url.Values{}
	for _, k := range fields {
		v.Set(k, current.Get(k))
		v.Set("was_"+k, current.Get(k))
	}
	v.Set("version", strconv.FormatInt(version, 10))
	return v
}

// edited are the fields the person changed: field → new value.
func edited(f url.Values, fields []string) map[string]string {
	out := map[string]string{}
	for _, k := range fields {
		if v := f.Get(k); f.Has(k) && v != f.Get("was_"+k) {
			out[k] = v
		}
	}
	return out
}

// patchField is a changed value for a patch, nil when unchanged.
func patchField(changes map[string]string, k string) *string {
	if v, ok := changes[k]; ok {
		return &v
	}
	return nil
}

// answerEdit saves edit form f and answers: on to next when it is saved,
// else the form again (again) with what stands in the way. bad is what
// postForm found wrong with the form; unless it is only in fields left as
// they were (editProblems), nothing is saved.
func (s *site) answerEdit(w http.ResponseWriter, r *http.Request, f url.Values, bad error, rec record, next string, again func(errs map[string]string, status int)) {
	if bad != nil {
		bad = editProblems(f, rec.fields)
	}
	clash, err := "", bad
	if bad == nil {
		clash, err = saveEdit(f, rec)
	}
	switch {
	case clash != "":
		again(map[string]string{"version": clash}, http.StatusPreconditionFailed)
	case err == nil:
		http.Redirect(w, r, next, http.StatusSeeOther)
	default:
		errs, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		again(errs, http.StatusUnprocessableEntity)
	}
}

// record is what saveEdit needs of the record being edited.
type record struct {
	what   string                                   // "account", "contact"
	fields []string                                 // the form's fields
	load   func() (url.Values, int64, error)        // the current values and version
	save   func(map[string]string, int64) error     // saves changes at a version
	show   func(field, value string) (label string) // a value as people read it; nil: as it is
}

// saveEdit saves the changes of edit form f. When the record was saved by
// someone else meanwhile, it saves again on top of theirs unless both
// changed a field; then it saves nothing, returns a message naming each
// such field with its value now, and updates f so that a second save keeps
// what the person typed.
func saveEdit(f url.Values, rec record) (clash string, err error) {
	version, perr := strconv.ParseInt(f.Get("version"), 10, 64)
	if perr != nil || version < 1 {
		return "", fault.New(fault.Invalid, "the form lacks the version of the %s it edits; open it and edit it again", rec.what)
	}
	changes := edited(f, rec.fields)
	err = rec.save(changes, version)
	if fault.KindOf(err) != fault.Stale {
		return "", err
	}
	theirs, now, err := rec.load()
	if err != nil {
		return "", err
	}
	var clashes []string
	for _, k := range rec.fields {
		if _, changed := changes[k]; changed && theirs.Get(k) != f.Get("was_"+k) {
			now := theirs.Get(k)
			if rec.show != nil {
				now = rec.show(k, now)
			}
			clashes = append(clashes, fmt.Sprintf("%s is now %q", event.FieldLabel(k), now))
		}
	}
	if len(clashes) == 0 {
		return "", rec.save(changes, now)
	}
	for _, k := range rec.fields {
		f.Set("was_"+k, theirs.Get(k))
	}
	f.Set("version", strconv.FormatInt(now, 10))
	return "Someone else changed this " + rec.what + " after you opened it: " + strings.Join(clashes, ", ") +
		". Your values are below, not saved yet; save again to keep them.", nil
}

var accountFields = []string{"name", "kind", "tier", "owner_id", "domain", "phone", "external_id"}

func accountValues(a customer.Account) url.Values {
	return editValues(url.Values{"name": {a.Name}, "kind": {a.Kind}, "tier": {a.Tier}, "owner_id": {a.OwnerID}, "domain": {a.Domain},
		"phone": {a.Phone}, "external_id": {a.ExternalID}}, accountFields, a.Version)
}

func (s *site) editAccount(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	acc, err := s.app.Account(r.Context(), actor, r.PathValue("id"))
	if err == nil {
		err = actor.Require(access.EditAccount, acc.OwnerID == actor.User.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderAccountForm(w, r, actor, acc, accountValues(acc), nil, http.StatusOK)
}

func (s *site) renderAccountForm(w http.ResponseWriter, r *http.Request, actor access.Actor, acc customer.Account, f url.Values, errs map[string]string, status int) {
	d := accountForm{Edit: true, Account: acc}
	if actor.Can(access.ReassignOwner, false) {
		owners, err := s.app.Owners(r.Context(), actor)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Owners = owners
	}
	s.render(w, r, status, "account_form", view{Title: "Edit " + acc.Name, Nav: "accounts", Form: f, Errors: errs, Data: d})
}

func (s *site) saveAccount(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ctx, id := r.Context(), r.PathValue("id")
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	s.answerEdit(w, r, f, bad, record{what: "account", fields: accountFields,
		load: func() (url.Values, int64, error) {
			acc, err := s.app.Account(ctx, actor, id)
			return accountValues(acc), acc.Version, err
		},
		save: func(c map[string]string, version int64) error {
			_, err := s.app.UpdateAccount(ctx, actor, id, app.AccountPatch{Name: patchField(c, "name"), Kind: patchField(c, "kind"),
				Tier: patchField(c, "tier"), OwnerID: patchField(c, "owner_id"), Domain: patchField(c, "domain"),
				Phone: patchField(c, "phone"), ExternalID: patchField(c, "external_id")}, version)
			return err
		},
		show: func(k, v string) string {
			if k == "owner_id" {
				return s.userNames(r, actor)[v]
			}
			return v
		}}, "/accounts/"+id+"?notice=saved", func(errs map[string]string, status int) {
		acc, err := s.app.Account(ctx, actor, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderAccountForm(w, r, actor, acc, f, errs, status)
	})
}

var contactFields = []string{"name", "title", "email", "phone"}

func contactValues(c customer.Contact) url.Values {
	return editValues(url.Values{"name": {c.Name}, "title": {c.Title}, "email": {c.Email}, "phone": {c.Phone}}, contactFields, c.Version)
}

func (s *site) editContact(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	c, err := s.app.Contact(r.Context(), actor, r.PathValue("id"))
	if err == nil {
		err = actor.Require(access.EditContacts, false)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "contact_form", view{Title: "Edit " + c.Name, Nav: "accounts", Form: contactValues(c), Data: c})
}

func (s *site) saveContact(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ctx, id := r.Context(), r.PathValue("id")
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	s.answerEdit(w, r, f, bad, record{what: "contact", fields: contactFields,
		load: func() (url.Values, int64, error) {
			c, err := s.app.Contact(ctx, actor, id)
			return contactValues(c), c.Version, err
		},
		save: func(c map[string]string, version int64) error {
			_, err := s.app.UpdateContact(ctx, actor, id, app.ContactPatch{Name: patchField(c, "name"), Title: patchField(c, "title"),
				Email: patchField(c, "email"), Phone: patchField(c, "phone")}, version)
			return err
		},
	}, "/contacts/"+id+"?notice=saved", func(errs map[string]string, status int) {
		c, err := s.app.Contact(ctx, actor, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "contact_form", view{Title: "Edit " + c.Name, Nav: "accounts", Form: f, Errors: errs, Data: c})
	})
}

var interactionFields = []string{"channel", "direction", "outcome", "contact_id", "occurred_at", "kind", "competitor", "summary", "body"}

// localMinute is how a datetime-local field writes a moment.
const localMinute = "2006-01-02T15:04"

func interactionValues(i customer.Interaction, zone *time.Location) url.Values {
	return editValues(url.Values{"channel": {i.Channel}, "direction": {i.Direction}, "outcome": {i.Outcome}, "contact_id": {i.ContactID},
		"occurred_at": {i.OccurredAt.In(zone).Format(localMinute)}, "kind": {i.Kind}, "competitor": {i.Competitor},
		"summary": {i.Summary}, "body": {i.Body}}, interactionFields, i.Version)
}

// interactionForm is what the interaction form shows besides the values.
type interactionForm struct {
	Interaction customer.Interaction
	Account     customer.Account
	Contacts    []customer.Contact
	Channels    []string
	Now         string
}

func (s *site) editInteraction(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	i, err := s.app.Interaction(r.Context(), actor, r.PathValue("id"))
	if err == nil {
		err = actor.Require(access.EditInteraction, i.UserID == actor.User.ID)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderInteractionForm(w, r, actor, i, interactionValues(i, s.app.Zone()), nil, http.StatusOK)
}

func (s *site) renderInteractionForm(w http.ResponseWriter, r *http.Request, actor access.Actor, i customer.Interaction, f url.Values, errs map[string]string, status int) {
	ctx := r.Context()
	acc, err := s.app.Account(ctx, actor, i.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	contacts, _, err := s.app.Contacts(ctx, actor, i.AccountID, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "interaction_form", view{Title: "Edit an interaction", Nav: "accounts", Form: f, Errors: errs,
		Data: interactionForm{Interaction: i, Account: acc, Contacts: contacts, Channels: customer.Channels, Now: f.Get("occurred_at")}})
}

func (s *site) saveInteraction(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ctx, id := r.Context(), r.PathValue("id")
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	i, err := s.app.Interaction(ctx, actor, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.answerEdit(w, r, f, bad, record{what: "interaction", fields: interactionFields,
		load: func() (url.Values, int64, error) {
			i, err := s.app.Interaction(ctx, actor, id)
			return interactionValues(i, s.app.Zone()), i.Version, err
		},
		save: func(c map[string]string, version int64) error {
			p := app.InteractionPatch{ContactID: patchField(c, "contact_id"), Channel: patchField(c, "channel"), Direction: patchField(c, "direction"),
				Kind: patchField(c, "kind"), Competitor: patchField(c, "competitor"), Summary: patchField(c, "summary"),
				Body: patchField(c, "body"), Outcome: patchField(c, "outcome")}
			if v, ok := c["occurred_at"]; ok {
				t, err := time.ParseInLocation(localMinute, v, s.app.Zone())
				if err != nil {
					var fe fault.Fields
					fe.Add("occurred_at", "enter a date and time such as 2026-03-02 14:30")
					return fe.Err()
				}
				p.OccurredAt = &t
			}
			_, err := s.app.UpdateInteraction(ctx, actor, id, p, version)
			return err
		},
	}, "/accounts/"+i.AccountID+"?notice=edited#timeline", func(errs map[string]string, status int) {
		now, err := s.app.Interaction(ctx, actor, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.renderInteractionForm(w, r, actor, now, f, errs, status)
	})
}

func (s *site) deleteInteraction(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	ctx, id := r.Context(), r.PathValue("id")
	f, err := s.postForm(w, r)
	if f == nil {
		return
	}
	var i customer.Interaction
	if err == nil {
		i, err = s.app.Interaction(ctx, actor, id)
	}
	if err == nil {
		version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		err = s.app.DeleteInteraction(ctx, actor, id, version)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/accounts/"+i.AccountID+"?notice=removed#timeline", http.StatusSeeOther)
}
