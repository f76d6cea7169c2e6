package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
	"tandem/internal/goodwill"
	"tandem/internal/promotion"
	"tandem/internal/store"
)

// currencies are the currencies the goodwill form offers first; any
// other ISO 4217 code Tandem knows can be typed.
var currencies = []string{"EUR", "USD", "GBP", "CHF", "SEK", "DKK", "NOK", "PLN", "JPY"}

// accountGoodwill is the account page's goodwill: what was granted and
// asked for, the form, and the promotions running for the account.
type accountGoodwill struct {
	List       []goodwill.Goodwill
	Kinds      []string
	Currencies []string
	Cases      []cases.Case // the account's open cases, to link goodwill to
	CanGrant   bool
	Limit      goodwill.Money // the viewer's own limit at this account
	Promotions []promotion.Promotion
}

// goodwillOf loads the account page's goodwill section.
func (s *site) goodwillOf(r *http.Request, actor access.Actor, acc customer.Account, open []cases.Case) (accountGoodwill, error) {
	ctx := r.Context()
	list, _, err := s.app.GoodwillList(ctx, actor, store.GoodwillFilter{AccountID: acc.ID}, store.Page{Limit: 20})
	if err != nil {
		return accountGoodwill{}, err
	}
	promos, err := s.app.PromotionsFor(ctx, actor, acc.Tier)
	if err != nil {
		return accountGoodwill{}, err
	}
	ls, _, err := s.app.GoodwillLimits(ctx, actor)
	if err != nil {
		return accountGoodwill{}, err
	}
	return accountGoodwill{List: list, Kinds: goodwill.Kinds, Currencies: currencies, Cases: open, Promotions: promos,
		CanGrant: actor.Can(access.RequestGoodwill, false), Limit: ls.For(actor.User.Role, goodwill.Value{})}, nil
}

// grantGoodwill is the account page's goodwill form.
func (s *site) grantGoodwill(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked in the goodwill form."
		}
		s.renderAccount(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	cur := strings.ToUpper(strings.TrimSpace(f.Get("currency")))
	amount, err := goodwill.ParseMajor(f.Get("amount"), cur)
	if !goodwill.KnownCurrency(cur) {
		errs["currency"] = "choose a currency, such as EUR"
	} else if err != nil {
		errs["amount"] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:]
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	in := goodwill.Goodwill{AccountID: r.PathValue("id"), Kind: f.Get("goodwill_kind"), Amount: amount, Reason: f.Get("reason"), CaseID: f.Get("case_id"),
		PromiseID: f.Get("promise_id")}
	g, err := s.app.RequestGoodwill(r.Context(), actor, in)
	if err != nil {
		fields, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		for k, m := range fields {
			if k == "amount.amount_minor" {
				k = "amount"
			}
			if k == "amount.currency" {
				k = "currency"
			}
			if k == "kind" {
				k = "goodwill_kind"
			}
			errs[k] = m
		}
		again(errs)
		return
	}
	http.Redirect(w, r, "/accounts/"+in.AccountID+"?notice=goodwill_"+string(g.Status)+"#goodwill", http.StatusSeeOther)
}

// goodwillRow is one line of the approval queue.
type goodwillRow struct {
	goodwill.Goodwill
	Account string
	Mine    bool // the viewer asked for it, so may not decide it
}

type goodwillPage struct {
	Pending   []goodwillRow
	Recent    []goodwillRow
	CanDecide bool
	Report    *goodwillReport // managers
	Limits    goodwill.Limits
	Roles     []access.Role
}

type goodwillReport struct {
	app.GoodwillReport
	Days     int
	Accounts map[string]string
}

func (s *site) goodwillQueue(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderGoodwill(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderGoodwill(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	pending, _, err := s.app.GoodwillList(ctx, actor, store.GoodwillFilter{Status: goodwill.Pending}, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recent, _, err := s.app.GoodwillList(ctx, actor, store.GoodwillFilter{}, store.Page{Limit: 30})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ls, _, err := s.app.GoodwillLimits(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ids []string
	for _, g := range append(pending, recent...) {
		ids = append(ids, g.AccountID)
	}
	p := goodwillPage{CanDecide: actor.Can(access.ApproveGoodwill, false), Limits: ls, Roles: access.Roles}
	if actor.Can(access.ReadTeam, false) {
		days, msg := ratesWindow(strings.TrimSpace(r.URL.Query().Get("days")))
		if msg != "" {
			if v.Errors == nil {
				v.Errors = map[string]string{}
			}
			v.Errors["days"] = msg
			status = http.StatusUnprocessableEntity
		}
		rep, err := s.app.GoodwillReport(ctx, actor, s.app.Now().AddDate(0, 0, -days), time.Time{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, t := range rep.ByAccount {
			ids = append(ids, t.Key)
		}
		p.Report = &goodwillReport{GoodwillReport: rep, Days: days}
	}
	names, err := s.app.AccountNames(ctx, actor, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row := func(g goodwill.Goodwill) goodwillRow {
		return goodwillRow{Goodwill: g, Account: names[g.AccountID], Mine: g.RequestedByID == actor.User.ID}
	}
	for _, g := range pending {
		p.Pending = append(p.Pending, row(g))
	}
	for _, g := range recent {
		if g.Status != goodwill.Pending {
			p.Recent = append(p.Recent, row(g))
		}
	}
	if p.Report != nil {
		p.Report.Accounts = names
	}
	v.Title, v.Nav, v.Users, v.Data = "Goodwill", "goodwill", s.userNames(r, actor), p
	s.render(w, r, status, "goodwill", v)
}

// decideGoodwill is the queue's approve and reject buttons.
func (s *site) decideGoodwill(approve bool) handler {
	return func(w http.ResponseWriter, r *http.Request, actor access.Actor) {
		f, bad := s.postForm(w, r)
		if f == nil {
			return
		}
		id := r.PathValue("id")
		again := func(err error) {
			errs := map[string]string{}
			if fields, _, ok := formErrors(err); ok {
				for k, m := range fields {
					if k == "note" {
						k = "note-" + id
					}
					errs[k] = m
				}
			}
			if errs["form"] == "" {
				msg := err.Error()
				if e, ok := fault.As(err); ok {
					msg = e.Message
				}
				errs["form"] = "Nothing was saved: " + msg + "."
				if errs["note-"+id] == "" {
					errs["note-"+id] = msg
				}
			}
			s.renderGoodwill(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		}
		if bad != nil {
			again(bad)
			return
		}
		version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		g, err := s.app.DecideGoodwill(r.Context(), actor, id, goodwill.Decision{Approve: approve, Note: f.Get("note")}, version)
		switch fault.KindOf(err) {
		case fault.Internal, fault.NotFound, fault.Forbidden:
			if err != nil {
				s.fail(w, r, err)
				return
			}
		default:
			again(err)
			return
		}
		http.Redirect(w, r, "/goodwill?notice="+string(g.Status)+"#queue", http.StatusSeeOther)
	}
}

// promotionsPage lists every promotion; managers edit them.
type promotionsPage struct {
	List    []promotionItem
	New     promotionForm
	Now     time.Time
	CanEdit bool
}

type promotionItem struct {
	promotion.Promotion
	Form promotionForm
}

// promotionForm is one promotion's form: where it posts, the ids of its
// fields (prefixed, as the page has several), what it holds and what is
// wrong with it.
type promotionForm struct {
	Action, Prefix, Version string
	Open                    bool
	Values                  map[string]string
	Tiers                   map[string]bool
	Errors                  map[string]string // by field, without the prefix
	Kinds, AllTiers         []string
}

func (s *site) promotions(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderPromotions(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderPromotions(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	list, _, err := s.app.Promotions(r.Context(), actor, false, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	editing := v.Form.Get("editing")
	form := func(action, prefix, id string, p promotion.Promotion) promotionForm {
		f := promotionForm{Action: action, Prefix: prefix, Values: map[string]string{}, Tiers: map[string]bool{}, Errors: map[string]string{},
			Kinds: promotion.PromiseKinds, AllTiers: customer.Tiers}
		typed := v.Form != nil && v.Form.Has("editing") && editing == id
		if typed {
			f.Open = true
			for _, k := range []string{"name", "terms", "starts_at", "ends_at", "promise_kind", "promise_days", "active", "version"} {
				f.Values[k] = v.Form.Get(prefix + k)
			}
			for _, t := range v.Form[prefix+"tiers"] {
				f.Tiers[t] = true
			}
			for k, m := range v.Errors {
				if strings.HasPrefix(k, prefix) {
					f.Errors[strings.TrimPrefix(k, prefix)] = m
				}
			}
		} else if id != "" {
			f.Values = map[string]string{"name": p.Name, "terms": p.Terms, "starts_at": s.day(p.StartsAt), "ends_at": s.day(p.EndsAt.Add(-time.Millisecond)),
				"promise_kind": p.PromiseKind, "promise_days": strconv.Itoa(p.PromiseDays), "version": strconv.FormatInt(p.Version, 10)}
			if p.Active {
				f.Values["active"] = "1"
			}
			for _, t := range p.Tiers {
				f.Tiers[t] = true
			}
		} else {
			f.Values["active"] = "1"
		}
		f.Version = f.Values["version"]
		return f
	}
	p := promotionsPage{Now: s.app.Now(), CanEdit: actor.Can(access.EditPromotions, false), New: form("/promotions", "new-", "", promotion.Promotion{})}
	for _, x := range list {
		p.List = append(p.List, promotionItem{Promotion: x, Form: form("/promotions/"+x.ID, x.ID+"-", x.ID, x)})
	}
	v.Title, v.Nav, v.Data = "Promotions", "promotions", p
	s.render(w, r, status, "promotions", v)
}

// readPromotion reads the promotion form; dates are whole days in the
// team's zone, the end day included.
func (s *site) readPromotion(f url.Values, errs map[string]string) promotion.Promotion {
	p := promotion.Promotion{Name: f.Get("name"), Terms: f.Get("terms"), PromiseKind: f.Get("promise_kind"), Active: f.Get("active") == "1", Tiers: f["tiers"]}
	day := func(field string) time.Time {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(dayLayout, v, s.app.Zone())
		if err != nil {
			errs[field] = "enter a date such as 2026-03-01"
		}
		return t
	}
	p.StartsAt = day("starts_at")
	if end := day("ends_at"); !end.IsZero() {
		p.EndsAt = end.AddDate(0, 0, 1) // the end day is included
	}
	if d := strings.TrimSpace(f.Get("promise_days")); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil {
			errs["promise_days"] = "enter a whole number of days, such as 56"
		}
		p.PromiseDays = n
	}
	return p
}

func (s *site) savePromotion(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	id := r.PathValue("id")
	prefix := "new-"
	if id != "" {
		prefix = id + "-"
	}
	again := func(errs map[string]string) {
		out := map[string]string{"form": errs["form"]}
		for k, m := range errs {
			if k != "form" {
				out[prefix+k] = m
			}
		}
		if out["form"] == "" {
			out["form"] = "Nothing was saved: correct what is marked below."
		}
		form := url.Values{"editing": {id}}
		for k, vs := range f {
			form[prefix+k] = vs
		}
		s.renderPromotions(w, r, actor, view{Errors: out, Form: form}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	p := s.readPromotion(f, errs)
	if len(errs) > 0 {
		again(errs)
		return
	}
	var err error
	if id == "" {
		_, err = s.app.CreatePromotion(r.Context(), actor, p)
	} else {
		version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		_, err = s.app.UpdatePromotion(r.Context(), actor, id, app.PromotionPatch{Name: &p.Name, Terms: &p.Terms, StartsAt: &p.StartsAt, EndsAt: &p.EndsAt,
			PromiseKind: &p.PromiseKind, PromiseDays: &p.PromiseDays, Active: &p.Active, Tiers: &p.Tiers}, version)
	}
	if err != nil {
		if fault.KindOf(err) == fault.Stale {
			again(map[string]string{"form": "Nothing was saved: someone changed this promotion meanwhile. Reload the page and make your change again."})
			return
		}
		fields, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		again(fields)
		return
	}
	http.Redirect(w, r, "/promotions?notice=saved", http.StatusSeeOther)
}
