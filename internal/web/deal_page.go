package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/competitor"
	"tandem/internal/customer"
	"tandem/internal/deal"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/promise"
)

func init() {
	fieldRules["lost_reason"] = fieldRule{max: 500}
	fieldRules["lost_to"] = fieldRule{max: 200}
	fieldRules["expected_close"] = fieldRule{max: 10}
	fieldRules["deal_amount"] = fieldRule{max: 30}
	fieldRules["deal_currency"] = fieldRule{max: 3}
}

// dealPage is one deal: its facts, the forms to change and move it, its
// history, and its account's shopping signals.
type dealPage struct {
	Deal        deal.Deal
	Account     customer.Account
	Stage       deal.Stage
	Stages      []deal.Stage // where it can move
	Owners      []access.User
	History     []event.Event
	Signals     competitor.Signals
	Competitors []competitor.Competitor // the active ones, offered for lost_to
	LostTo      string                  // the id of the competitor it was lost to, when on the list
	CanEdit     bool
	CanOwn      bool // may give it to someone else
	Slipping    bool
}

func (s *site) showDeal(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderDeal(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderDeal(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	d, err := s.app.Deal(ctx, actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acc, err := s.app.Account(ctx, actor, d.AccountID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p, _, err := s.app.Pipeline(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := dealPage{Deal: d, Account: acc, CanEdit: d.Open() && actor.Can(access.EditDeals, d.OwnerID == actor.User.ID),
		CanOwn: actor.Can(access.EditDeals, false), Slipping: d.Slipping(today(s.app.Now()))}
	page.Stage, _ = p.Stage(d.Stage)
	if page.Stage.Key == "" {
		page.Stage = deal.Stage{Key: d.Stage, Name: d.Stage}
	}
	for _, st := range p.Stages {
		if st.Key != d.Stage {
			page.Stages = append(page.Stages, st)
		}
	}
	if page.History, err = s.app.DealHistory(ctx, actor, d.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if page.Signals, err = s.shoppingSignals(r, actor, d.AccountID); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.app.CompetitorList(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range list {
		if c.Active {
			page.Competitors = append(page.Competitors, c)
		}
	}
	if c, ok := competitor.Match(list, d.LostTo); ok {
		page.LostTo = c.ID
	}
	if page.CanOwn {
		page.Owners = s.salesUsers(r, actor)
	}
	if v.Errors == nil || v.Form == nil {
		v.Form = map[string][]string{"deal_title": {d.Title}, "deal_amount": {promise.Major(d.Amount)}, "deal_currency": {d.Amount.Currency},
			"deal_owner_id": {d.OwnerID}, "to": {""}}
		if !d.ExpectedClose.IsZero() {
			v.Form["expected_close"] = []string{d.ExpectedClose.UTC().Format(time.DateOnly)}
		}
		if prev, next := p.Neighbours(d.Stage); next != "" {
			v.Form["to"] = []string{next}
		} else if prev != "" {
			v.Form["to"] = []string{prev}
		}
	}
	v.Title, v.Nav, v.Users, v.Data = d.Title, "deals", s.userNames(r, actor), page
	s.render(w, r, status, "deal", v)
}

const staleDeal = "Nothing was saved: someone changed this deal since you opened it. Here it is as it is now."

// saveDeal changes a deal from its page: title, amount, expected close
// and (managers) owner.
func (s *site) saveDeal(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	if err := s.app.MayChangeDeal(r.Context(), actor, r.PathValue("id")); err != nil {
		s.fail(w, r, err) // refused before what was typed is read
		return
	}
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked."
		}
		s.renderDeal(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	title := f.Get("deal_title")
	patch := app.DealPatch{Title: &title}
	cur := strings.ToUpper(strings.TrimSpace(f.Get("deal_currency")))
	if !promise.KnownCurrency(cur) {
		errs["deal_currency"] = "choose a currency, such as EUR"
	} else {
		m, err := promise.ParseMajor(f.Get("deal_amount"), cur)
		if err != nil {
			errs["deal_amount"] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:]
		}
		patch.Amount = &m
	}
	var close time.Time
	if c := strings.TrimSpace(f.Get("expected_close")); c != "" {
		t, err := time.Parse(time.DateOnly, c)
		if err != nil {
			errs["expected_close"] = "give a date such as 2026-06-30"
		}
		close = t
	}
	patch.ExpectedClose = &close
	if o := strings.TrimSpace(f.Get("deal_owner_id")); o != "" && actor.Can(access.EditDeals, false) {
		patch.OwnerID = &o
	}
	if len(errs) > 0 {
		again(errs)
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	if _, err := s.app.UpdateDeal(r.Context(), actor, r.PathValue("id"), patch, version); err != nil {
		if fault.KindOf(err) == fault.Stale {
			s.renderDeal(w, r, actor, view{Errors: map[string]string{"form": staleDeal}}, http.StatusConflict)
			return
		}
		s.refuse(w, r, err, map[string]string{"title": "deal_title", "amount.amount_minor": "deal_amount", "amount.currency": "deal_currency",
			"owner_id": "deal_owner_id"}, again)
		return
	}
	http.Redirect(w, r, "/deals/"+r.PathValue("id")+"?notice=saved", http.StatusSeeOther)
}

// moveDealFromPage is the deal page's move form: any stage, with the
// lost reason and competitor.
func (s *site) moveDealFromPage(w http.ResponseWriter, r *http.Request, actor access.Actor, f map[string][]string) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	version, _ := strconv.ParseInt(get("version"), 10, 64)
	_, err := s.app.MoveDeal(r.Context(), actor, r.PathValue("id"), deal.Transition{To: get("to"), LostReason: get("lost_reason"),
		LostTo: get("lost_to")}, version)
	if err != nil {
		if fault.KindOf(err) == fault.Stale {
			s.renderDeal(w, r, actor, view{Errors: map[string]string{"form": staleDeal}}, http.StatusConflict)
			return
		}
		errs, ok := renameErrors(err, nil)
		if !ok {
			s.fail(w, r, err)
			return
		}
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved, the deal did not move: correct what is marked."
		}
		s.renderDeal(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
		return
	}
	http.Redirect(w, r, "/deals/"+r.PathValue("id")+"?notice=moved#history", http.StatusSeeOther)
}
