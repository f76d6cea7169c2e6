package web

import (
	"net/http"
	"strconv"
	"strings"

	"tandem/internal/access"
	"tandem/internal/app"
	"tandem/internal/competitor"
	"tandem/internal/money"
	"tandem/internal/store"
)

func init() {
	fieldRules["competitor_name"] = fieldRule{max: 200}
	fieldRules["website"] = fieldRule{max: 300}
	fieldRules["competitor_notes"] = fieldRule{max: 5000, multiline: true}
	fieldRules["category_spend"] = fieldRule{max: 30}
	fieldRules["wallet_note"] = fieldRule{max: 500}
}

// competitorsPage is the competitors list with, for managers, the
// signals of the last 90 days per competitor and the form to add one.
type competitorsPage struct {
	Tallies []competitor.Tally
	List    []competitor.Competitor
	CanEdit bool
	CanSee  bool // the counts (managers and admins)
}

func (s *site) competitors(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderCompetitors(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderCompetitors(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	p := competitorsPage{CanEdit: actor.Can(access.EditCompetitors, false), CanSee: actor.Can(access.ReadDealsTeam, false)}
	var err error
	if p.List, err = s.app.CompetitorList(r.Context(), actor); err != nil {
		s.fail(w, r, err)
		return
	}
	if p.CanSee {
		if p.Tallies, _, err = s.app.ShoppingTallies(r.Context(), actor, 90); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v.Title, v.Nav, v.Data = "Competitors", "competitors", p
	s.render(w, r, status, "competitors", v)
}

// competitorForm reads the add and edit forms' fields.
func competitorForm(f map[string][]string) (name, website, notes string) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	return get("competitor_name"), get("website"), get("competitor_notes")
}

var competitorRename = map[string]string{"name": "competitor_name", "notes": "competitor_notes"}

// addCompetitor adds a competitor from the competitors page.
func (s *site) addCompetitor(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderCompetitors(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	name, website, notes := competitorForm(f)
	c, err := s.app.CreateCompetitor(r.Context(), actor, competitor.Competitor{Name: name, Website: website, Notes: notes, Active: true})
	if err != nil {
		s.refuse(w, r, err, competitorRename, again)
		return
	}
	http.Redirect(w, r, "/competitors/"+c.ID+"?notice=added", http.StatusSeeOther)
}

// competitorPage is one competitor: its signals of the last 90 days and,
// for managers, the form to change it.
type competitorPage struct {
	Competitor competitor.Competitor
	Signals    competitor.Signals
	Accounts   map[string]string // account id -> name
	CanEdit    bool
}

func (s *site) showCompetitor(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderCompetitor(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderCompetitor(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	ctx := r.Context()
	c, err := s.app.Competitor(ctx, actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sig, err := s.app.CompetitorSignals(ctx, actor, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names, err := s.accountNames(r, actor, sig.List)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Form == nil {
		v.Form = map[string][]string{"competitor_name": {c.Name}, "website": {c.Website}, "competitor_notes": {c.Notes}}
		if c.Active {
			v.Form["active"] = []string{"1"}
		}
	}
	v.Title, v.Nav, v.Data = c.Name, "competitors", competitorPage{Competitor: c, Signals: sig, Accounts: names, CanEdit: actor.Can(access.EditCompetitors, false)}
	s.render(w, r, status, "competitor", v)
}

// accountNames names the accounts of signals.
func (s *site) accountNames(r *http.Request, actor access.Actor, list []competitor.Signal) (map[string]string, error) {
	out := map[string]string{}
	for _, sg := range list {
		if _, ok := out[sg.AccountID]; ok {
			continue
		}
		a, err := s.app.Account(r.Context(), actor, sg.AccountID)
		if err != nil {
			return nil, err
		}
		out[sg.AccountID] = a.Name
	}
	return out, nil
}

// saveCompetitor changes a competitor from its page.
func (s *site) saveCompetitor(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		s.renderCompetitor(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	name, website, notes := competitorForm(f)
	active := f.Get("active") == "1"
	_, err := s.app.UpdateCompetitor(r.Context(), actor, r.PathValue("id"), app.CompetitorPatch{Name: &name, Website: &website, Notes: &notes,
		Active: &active}, version)
	if err != nil {
		s.refuse(w, r, err, competitorRename, again)
		return
	}
	http.Redirect(w, r, "/competitors/"+r.PathValue("id")+"?notice=saved", http.StatusSeeOther)
}

// shoppingSignals are an account's signals for the account and case
// pages (shopping_signals_parts.html).
func (s *site) shoppingSignals(r *http.Request, actor access.Actor, accountID string) (competitor.Signals, error) {
	return s.app.ShoppingSignals(r.Context(), actor, accountID)
}

// accountWallet is the account page's estimate of the customer's spend in
// our category (wallet_parts.html).
type accountWallet struct {
	AccountID  string
	Wallet     *store.Wallet
	CanEdit    bool
	Currencies []string
}

func (s *site) walletOf(r *http.Request, actor access.Actor, accountID, ownerID string) (accountWallet, error) {
	w, err := s.app.Wallet(r.Context(), actor, accountID)
	return accountWallet{AccountID: accountID, Wallet: w, CanEdit: actor.Can(access.EstimateWallet, ownerID == actor.User.ID),
		Currencies: currencyCodes}, err
}

// setWallet enters or removes the estimate from the account page.
func (s *site) setWallet(w http.ResponseWriter, r *http.Request, actor access.Actor) {
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
	var spend *money.Money
	if strings.TrimSpace(f.Get("category_spend")) != "" {
		if m := readAmount(f.Get("category_spend"), f.Get("category_spend_currency"), "category_spend", "category_spend_currency", errs); m != nil {
			mm := money.Money(*m)
			spend = &mm
		}
		if len(errs) > 0 {
			again(errs)
			return
		}
	}
	if _, err := s.app.SetWallet(r.Context(), actor, r.PathValue("id"), spend, strings.TrimSpace(f.Get("wallet_note"))); err != nil {
		s.refuse(w, r, err, map[string]string{"category_spend.amount_minor": "category_spend", "note": "wallet_note"}, again)
		return
	}
	http.Redirect(w, r, "/accounts/"+r.PathValue("id")+"?notice=wallet#account-value", http.StatusSeeOther)
}
