package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// promiseRow is a promise as lists show it.
type promiseRow struct {
	promise.Promise
	Words     string // what was promised: "a rebate of €1,200.00"
	Account   string // the account's name
	Soon      bool   // due within promise.DueSoon, or overdue
	Promotion string // the name of the promotion it cites, if any
}

// promiseLists is how many promises a due-soon list shows.
const promiseLists = 20

func (s *site) promiseRows(r *http.Request, actor access.Actor, list []promise.Promise) ([]promiseRow, error) {
	ids := make([]string, len(list))
	for i, p := range list {
		ids[i] = p.AccountID
	}
	names, err := s.app.AccountNames(r.Context(), actor, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	soon := s.app.Now().Add(promise.DueSoon)
	promos := map[string]string{}
	out := make([]promiseRow, len(list))
	for i, p := range list {
		out[i] = promiseRow{Promise: p, Words: p.Words(), Account: names[p.AccountID],
			Soon: p.Status == promise.Overdue || (p.Status == promise.Open && p.DueAt.Before(soon))}
		if id := p.PromotionID; id != "" {
			if _, ok := promos[id]; !ok {
				promos[id] = ""
				if pr, err := s.app.Promotion(r.Context(), actor, id); err == nil {
					promos[id] = pr.Name
				}
			}
			out[i].Promotion = promos[id]
		}
	}
	return out, nil
}

// promisesDue lists the promises still to be kept that f names, overdue
// and due within promise.DueSoon.
func (s *site) promisesDue(r *http.Request, actor access.Actor, f store.PromiseFilter) ([]promiseRow, error) {
	list, err := s.app.PromisesDueSoon(r.Context(), actor, f, promiseLists)
	if err != nil {
		return nil, err
	}
	return s.promiseRows(r, actor, list)
}

// accountPromises is the account page's section on promises.
type accountPromises struct {
	List       []promiseRow
	Kinds      []struct{ Value, Label string }
	Currencies []string
	CanMake    bool
	CanExcept  bool // a manager may record a promise a block policy refuses as an exception
}

// pendingPromises lists an account's promises still to be kept, by due
// time (overdue, then due soon, highlighted).
func (s *site) pendingPromises(r *http.Request, actor access.Actor, accountID string) ([]promiseRow, error) {
	list, _, err := s.app.Promises(r.Context(), actor, store.PromiseFilter{AccountID: accountID, Statuses: promise.Pending}, store.Page{Limit: promiseLists})
	if err != nil {
		return nil, err
	}
	return s.promiseRows(r, actor, list)
}

// promiseKinds are the kinds a promise form offers, with their words.
var promiseKinds = func() []struct{ Value, Label string } {
	var out []struct{ Value, Label string }
	for _, k := range promise.Kinds {
		out = append(out, struct{ Value, Label string }{string(k), strings.TrimPrefix(strings.TrimPrefix(k.Words(), "a "), "an ")})
	}
	return out
}()

// currencyCodes are the currencies a form offers: the usual first.
var currencyCodes = func() []string {
	first := []string{"EUR", "USD", "GBP", "CHF"}
	var rest []string
	for c := range promise.Currencies {
		if !slices.Contains(first, c) {
			rest = append(rest, c)
		}
	}
	slices.Sort(rest)
	return append(first, rest...)
}()

// readAmount reads an amount typed in major units and its currency, or
// nil when none was typed; problems go under the amount and currency
// fields.
func readAmount(amount, code, amountField, currencyField string, errs map[string]string) *promise.Money {
	amount, code = strings.TrimSpace(amount), strings.ToUpper(strings.TrimSpace(code))
	if amount == "" {
		return nil
	}
	if !promise.KnownCurrency(code) {
		errs[currencyField] = "choose an ISO 4217 currency, such as EUR"
		return nil
	}
	m, err := promise.ParseMajor(amount, code)
	if err != nil {
		errs[amountField] = err.Error()
		return nil
	}
	return &m
}

// readDue reads a due time typed in the team's zone.
func (s *site) readDue(v, field string, errs map[string]string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(localMinute, v, s.app.Zone())
	if err != nil {
		errs[field] = "enter a date and time such as 2026-12-14T17:00"
	}
	return t
}

// refuse answers an app's refusal of a form: the form again with the
// errors under its fields (rename maps the app's fields to the form's), or
// the error page when the refusal is not about fields.
func (s *site) refuse(w http.ResponseWriter, r *http.Request, err error, rename map[string]string, again func(map[string]string)) {
	if errs, ok := renameErrors(err, rename); ok {
		again(errs)
		return
	}
	s.fail(w, r, err)
}

// renameErrors files an app's field errors under the form's field names:
// rename maps an app field to a form field; others keep their name with
// dots as underscores.
func renameErrors(err error, rename map[string]string) (map[string]string, bool) {
	errs, _, ok := formErrors(err)
	if !ok {
		if e, isFault := fault.As(err); isFault && e.Kind == fault.Conflict {
			return map[string]string{"form": "Nothing was saved: " + e.Message + "."}, true
		}
		if fault.KindOf(err) == fault.Stale {
			return map[string]string{"form": "Nothing was saved: someone changed this promise since you opened it. Here it is as it is now."}, true
		}
		return nil, false
	}
	out := map[string]string{}
	for k, v := range errs {
		if to, ok := rename[k]; ok {
			k = to
		}
		out[strings.ReplaceAll(k, ".", "_")] = v
	}
	return out, true
}

// makePromise records a promise from the account page's form.
func (s *site) makePromise(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	in := promise.Promise{AccountID: r.PathValue("id"), Kind: promise.Kind(f.Get("promise_kind")), Description: f.Get("promise_description"),
		ContactID: f.Get("promise_contact_id"), CaseID: f.Get("promise_case_id"), Acknowledgement: f.Get("promise_acknowledgement"),
		BackdatedReason: f.Get("promise_backdated_reason"), PromotionID: f.Get("promise_promotion_id"), ExceptionReason: f.Get("promise_exception_reason")}
	in.Amount = readAmount(f.Get("promise_amount"), f.Get("promise_currency"), "promise_amount", "promise_currency", errs)
	in.DueAt = s.readDue(f.Get("promise_due_at"), "promise_due_at", errs)
	if in.DueAt.IsZero() && errs["promise_due_at"] == "" {
		errs["promise_due_at"] = "say by when it was promised"
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	p, err := s.app.MakePromise(r.Context(), actor, in)
	if err != nil {
		s.refuse(w, r, err, map[string]string{"kind": "promise_kind", "description": "promise_description", "due_at": "promise_due_at",
			"amount.amount_minor": "promise_amount", "amount.currency": "promise_currency", "contact_id": "promise_contact_id", "case_id": "promise_case_id",
			"acknowledgement": "promise_acknowledgement", "backdated_reason": "promise_backdated_reason", "account_id": "form",
			"promotion_id": "promise_promotion_id", "exception_reason": "promise_exception_reason"}, again)
		return
	}
	http.Redirect(w, r, "/promises/"+p.ID+"?notice=made", http.StatusSeeOther)
}

// promisePage is what the promise page shows.
type promisePage struct {
	promiseRow
	AccountRecord customer.Account
	Contact       string
	CaseLabel     string
	Replaces      *promise.Promise
	ReplacedBy    []promise.Promise
	CanKeep       bool // the viewer may record it kept
	CanChange     bool // the viewer may correct, break or cancel it
	Kinds         []struct{ Value, Label string }
	Currencies    []string
	Said          string
}

var promiseNotices = map[string]string{
	"made": "Promise recorded. It is on the account's timeline, beside the account's cases, and Tandem watches its due time.",
	"kept": "Promise kept.", "broken": "Promise marked broken.", "cancelled": "Promise cancelled.", "saved": "Promise corrected.",
	"replaced": "Promise cancelled and replaced by the one agreed with the customer.",
}

func (s *site) showPromise(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderPromise(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderPromise(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	p, err := s.app.Promise(ctx, actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acc, err := s.app.Account(ctx, actor, p.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.promiseRows(r, actor, []promise.Promise{p})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	pg := promisePage{promiseRow: rows[0], AccountRecord: acc, Kinds: promiseKinds, Currencies: currencyCodes, Said: promiseNotices[v.Notice],
		CanKeep: !p.Status.Final() && actor.Can(access.MakePromises, false), CanChange: !p.Status.Final() && actor.Can(access.EditPromises, p.MadeByID == actor.User.ID)}
	if p.ContactID != "" {
		if names, err := s.app.ContactNames(ctx, actor, []string{p.ContactID}); err == nil {
			pg.Contact = names[p.ContactID]
		}
	}
	if p.CaseID != "" {
		if c, err := s.app.Case(ctx, actor, p.CaseID); err == nil {
			pg.CaseLabel = "#" + itoa(c.Number) + " " + c.Subject
		}
	}
	if p.ReplacesID != "" {
		if old, err := s.app.Promise(ctx, actor, p.ReplacesID); err == nil {
			pg.Replaces = &old
		}
	}
	if p.Status == promise.Cancelled {
		// The replacement, if one was made, is among the account's promises.
		list, _, err := s.app.Promises(ctx, actor, store.PromiseFilter{AccountID: p.AccountID}, store.Page{Limit: 500})
		if err == nil {
			for _, o := range list {
				if o.ReplacesID == p.ID {
					pg.ReplacedBy = append(pg.ReplacedBy, o)
				}
			}
		}
	}
	if v.Form == nil {
		v.Form = url.Values{}
	}
	if !v.Form.Has("description") {
		v.Form.Set("description", p.Description)
		v.Form.Set("due_at", p.DueAt.In(s.app.Zone()).Format(localMinute))
		v.Form.Set("currency", "EUR")
		if p.Amount != nil {
			v.Form.Set("amount", promise.Major(*p.Amount))
			v.Form.Set("currency", p.Amount.Currency)
		}
		v.Form.Set("replacement_due_at", p.DueAt.In(s.app.Zone()).Format(localMinute))
	}
	v.Title, v.Nav, v.Users, v.Data = "Promise to "+acc.Name, "accounts", s.userNames(r, actor), pg
	s.render(w, r, status, "promise", v)
}

// updatePromise saves the correction form of the promise page.
func (s *site) updatePromise(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderPromise(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	patch := app.PromisePatch{}
	if f.Has("description") {
		d := f.Get("description")
		patch.Description = &d
	}
	if f.Has("amount") {
		m := readAmount(f.Get("amount"), f.Get("currency"), "amount", "currency", errs)
		patch.Amount = &m
	}
	if f.Has("due_at") {
		if due := s.readDue(f.Get("due_at"), "due_at", errs); !due.IsZero() {
			patch.DueAt = &due
		}
	}
	if f.Has("backdated_reason") {
		b := f.Get("backdated_reason")
		patch.BackdatedReason = &b
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	// A due time typed to the minute is unchanged when it names the same minute.
	if patch.DueAt != nil {
		if cur, err := s.app.Promise(r.Context(), actor, r.PathValue("id")); err == nil && cur.DueAt.Truncate(time.Minute).Equal(*patch.DueAt) {
			patch.DueAt = nil
		}
	}
	_, err := s.app.UpdatePromise(r.Context(), actor, r.PathValue("id"), patch, versionOf(f))
	if err != nil {
		s.refuse(w, r, err, map[string]string{"amount.amount_minor": "amount", "amount.currency": "currency", "status": "form"}, again)
		return
	}
	http.Redirect(w, r, "/promises/"+r.PathValue("id")+"?notice=saved", http.StatusSeeOther)
}

// transitionPromise keeps, breaks or cancels a promise from its page.
func (s *site) transitionPromise(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderPromise(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	to := promise.Status(f.Get("to"))
	t := promise.Transition{To: to, Evidence: f.Get("evidence")}
	reasonField := "break_reason"
	if to == promise.Cancelled {
		reasonField = "cancel_reason"
	}
	t.Reason = f.Get(reasonField)
	errs := map[string]string{}
	var repl *promise.Promise
	if to == promise.Cancelled && strings.TrimSpace(f.Get("replacement_description")) != "" {
		repl = &promise.Promise{Description: f.Get("replacement_description")}
		repl.DueAt = s.readDue(f.Get("replacement_due_at"), "replacement_due_at", errs)
		if repl.DueAt.IsZero() && errs["replacement_due_at"] == "" {
			errs["replacement_due_at"] = "say by when the new promise is due"
		}
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	_, made, err := s.app.TransitionPromise(r.Context(), actor, r.PathValue("id"), t, repl, versionOf(f))
	if err != nil {
		errs, ok := renameErrors(err, map[string]string{"reason": reasonField, "to": "form"})
		if !ok {
			s.fail(w, r, err)
			return
		}
		if e, isFault := fault.As(err); isFault && len(e.Fields) > 0 && e.Fields[0].Field == "to" {
			errs["form"] = "Nothing was saved: " + e.Error() + " (" + e.Fields[0].Message + ")."
		}
		again(errs)
		return
	}
	notice := string(to)
	if made != nil {
		http.Redirect(w, r, "/promises/"+made.ID+"?notice=replaced", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/promises/"+r.PathValue("id")+"?notice="+notice, http.StatusSeeOther)
}

func versionOf(f url.Values) int64 {
	v, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	return v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
