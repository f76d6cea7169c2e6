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
	"tandem/internal/deal"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// dealCard is one deal on the board or in the list.
type dealCard struct {
	deal.Deal
	Account    string
	Prev, Next string // the stages the card's buttons move it to
	Slipping   bool
	CanMove    bool
}

type boardPage struct {
	Columns []boardColumn
	Owner   string
	Owners  []access.User
}

type boardColumn struct {
	deal.Column
	Cards []dealCard
}

type dealsPage struct {
	Cards   []dealCard
	Stages  []deal.Stage
	Sources []string
	Owners  []access.User
	Revenue *app.ServiceRevenueReport // managers
	Rivals  *app.CompetitorReport     // managers
}

func today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (s *site) dealCards(r *http.Request, actor access.Actor, p deal.Pipeline, list []deal.Deal) ([]dealCard, error) {
	var ids []string
	for _, d := range list {
		ids = append(ids, d.AccountID)
	}
	names, err := s.app.AccountNames(r.Context(), actor, ids)
	if err != nil {
		return nil, err
	}
	t := today(s.app.Now())
	out := make([]dealCard, len(list))
	for i, d := range list {
		prev, next := p.Neighbours(d.Stage)
		out[i] = dealCard{Deal: d, Account: names[d.AccountID], Prev: prev, Next: next, Slipping: d.Slipping(t),
			CanMove: d.Open() && actor.Can(access.EditDeals, d.OwnerID == actor.User.ID)}
	}
	return out, nil
}

func (s *site) salesUsers(r *http.Request, actor access.Actor) []access.User {
	users, err := s.app.Users(r.Context(), actor)
	if err != nil {
		return nil
	}
	var out []access.User
	for _, u := range users {
		if u.Active && (u.Role == access.Sales || u.Role == access.Manager) {
			out = append(out, u)
		}
	}
	return out
}

// dealBoard is the pipeline board: a column per stage.
func (s *site) dealBoard(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	s.renderBoard(w, r, actor, view{Notice: r.URL.Query().Get("notice")}, http.StatusOK)
}

func (s *site) renderBoard(w http.ResponseWriter, r *http.Request, actor access.Actor, v view, status int) {
	owner := r.URL.Query().Get("owner")
	if !r.URL.Query().Has("owner") && actor.User.Role == access.Sales {
		owner = actor.User.ID
	}
	cols, p, err := s.app.DealBoard(r.Context(), actor, owner)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := boardPage{Owner: owner, Owners: s.salesUsers(r, actor)}
	for _, c := range cols {
		if deal.Final(c.Stage.Key) {
			continue // the board shows open deals
		}
		cards, err := s.dealCards(r, actor, p, c.Deals)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		page.Columns = append(page.Columns, boardColumn{Column: c, Cards: cards})
	}
	v.Title, v.Nav, v.Users, v.Data = "Pipeline", "deals", s.userNames(r, actor), page
	s.render(w, r, status, "deals_board", v)
}

// moveDeal is a board card's previous or next button.
func (s *site) moveDeal(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		errs["form"] = "Nothing was saved: the form could not be read, so the deal did not move."
		s.renderBoard(w, r, actor, view{Errors: errs}, http.StatusUnprocessableEntity)
		return
	}
	if f.Get("from") == "deal" {
		s.moveDealFromPage(w, r, actor, f)
		return
	}
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	d, err := s.app.MoveDeal(r.Context(), actor, r.PathValue("id"), deal.Transition{To: f.Get("to"), LostReason: f.Get("lost_reason"),
		LostTo: f.Get("lost_to")}, version)
	if err != nil {
		fields, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		msgs := []string{}
		for _, m := range fields {
			msgs = append(msgs, m)
		}
		slices.Sort(msgs)
		s.renderBoard(w, r, actor, view{Errors: map[string]string{"form": "Nothing was saved, the deal did not move: " + strings.Join(msgs, "; ")}}, http.StatusUnprocessableEntity)
		return
	}
	back := "/deals/board"
	if o := f.Get("owner"); o != "" || f.Has("owner") {
		back += "?" + url.Values{"owner": {o}}.Encode() + "&notice=moved"
	} else {
		back += "?notice=moved"
	}
	http.Redirect(w, r, back+"#deal-"+d.ID, http.StatusSeeOther)
}

// deals is the filterable, sortable list, with the managers' reports.
func (s *site) deals(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	q := r.URL.Query()
	ctx := r.Context()
	p, _, err := s.app.Pipeline(ctx, actor)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.DealFilter{OwnerID: q.Get("owner"), Stage: q.Get("stage"), Source: q.Get("source"), Sort: q.Get("sort")}
	errs := map[string]string{}
	if f.Source != "" && !slices.Contains(deal.Sources, f.Source) {
		errs["source"], f.Source = "choose a source from the list", ""
	}
	if f.Sort != "" && f.Sort != "expected_close" && f.Sort != "amount" {
		errs["sort"], f.Sort = "sort by expected close or amount", ""
	}
	list, _, err := s.app.Deals(ctx, actor, f, store.Page{Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cards, err := s.dealCards(r, actor, p, list)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := dealsPage{Cards: cards, Stages: p.Stages, Sources: deal.Sources, Owners: s.salesUsers(r, actor)}
	if actor.Can(access.ReadDealsTeam, false) {
		now := s.app.Now()
		rev, err := s.app.ServiceRevenue(ctx, actor, now.AddDate(-1, 0, 0), time.Time{})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rivals, err := s.app.Competitors(ctx, actor, 90)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		page.Revenue, page.Rivals = &rev, &rivals
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "deals", view{Title: "Deals", Nav: "deals", Form: q, Errors: errs, Users: s.userNames(r, actor), Data: page})
}

// readDealAmount reads the next-sale forms' optional amount
// (deal_amount, deal_currency; EUR when no currency is chosen).
func readDealAmount(f url.Values, errs map[string]string) promise.Money {
	cur := strings.ToUpper(strings.TrimSpace(f.Get("deal_currency")))
	if cur == "" {
		cur = "EUR"
	}
	amount := promise.Money{Currency: cur}
	if !promise.KnownCurrency(cur) {
		errs["deal_currency"] = "choose a currency, such as EUR"
	} else if strings.TrimSpace(f.Get("deal_amount")) != "" {
		m, err := promise.ParseMajor(f.Get("deal_amount"), cur)
		if err != nil {
			errs["deal_amount"] = strings.ToUpper(err.Error()[:1]) + err.Error()[1:]
		}
		amount = m
	}
	return amount
}

// startDealFromCase is the case page's "the customer asked about …" form.
func (s *site) startDealFromCase(w http.ResponseWriter, r *http.Request, actor access.Actor) {
	f, bad := s.postForm(w, r)
	if f == nil {
		return
	}
	again := func(errs map[string]string) {
		if errs["form"] == "" {
			errs["form"] = "Nothing was saved: correct what is marked in the next-sale form."
		}
		s.renderCase(w, r, actor, view{Errors: errs, Form: f}, http.StatusUnprocessableEntity)
	}
	if bad != nil {
		errs, _, _ := formErrors(bad)
		again(errs)
		return
	}
	errs := map[string]string{}
	amount := readDealAmount(f, errs)
	if len(errs) > 0 {
		again(errs)
		return
	}
	_, err := s.app.StartDealFromCase(r.Context(), actor, r.PathValue("id"), f.Get("deal_title"), amount)
	if err != nil {
		fields, _, ok := formErrors(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		for k, m := range fields {
			switch k {
			case "title":
				k = "deal_title"
			case "amount.amount_minor":
				k = "deal_amount"
			case "amount.currency":
				k = "deal_currency"
			default:
				k = "form"
			}
			errs[k] = m
		}
		again(errs)
		return
	}
	http.Redirect(w, r, "/cases/"+r.PathValue("id")+"?notice=deal_started#next-sale", http.StatusSeeOther)
}

func init() {
	fieldRules["deal_title"] = fieldRule{max: 200} // the API's limit on a deal's title
	caseNotices["deal_started"] = "Deal started for the account's owner, who has been told."
}

// openDeals is the sales home's "Your open deals": by expected close, the
// slipping ones first (they sort first by date already).
func (s *site) openDeals(r *http.Request, actor access.Actor) ([]dealCard, error) {
	list, err := s.app.MyOpenDeals(r.Context(), actor, homeList)
	if err != nil {
		return nil, err
	}
	p, _, err := s.app.Pipeline(r.Context(), actor)
	if err != nil {
		return nil, err
	}
	cards, err := s.dealCards(r, actor, p, list)
	slices.SortStableFunc(cards, func(a, b dealCard) int {
		switch {
		case a.Slipping && !b.Slipping:
			return -1
		case b.Slipping && !a.Slipping:
			return 1
		}
		return 0
	})
	return cards, err
}
