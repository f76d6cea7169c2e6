package app

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tandem/internal/access"
	"tandem/internal/competitor"
	"tandem/internal/deal"
	"tandem/internal/event"
	"tandem/internal/fault"
	"tandem/internal/inbox"
	"tandem/internal/promise"
	"tandem/internal/store"
)

// PipelineKey is the setting that holds the pipeline's stages.
const PipelineKey = "pipeline"

// Pipeline returns the pipeline's stages: the saved ones, or the
// defaults until a manager saves others; version is 0 until then.
func (a *App) Pipeline(ctx context.Context, actor access.Actor) (deal.Pipeline, int64, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return deal.Pipeline{}, 0, err
	}
	return pipeline(ctx, a.store)
}

func pipeline(ctx context.Context, r settingReader) (deal.Pipeline, int64, error) {
	st, found, err := r.Setting(ctx, PipelineKey)
	if err != nil || !found {
		return deal.DefaultPipeline(), 0, err
	}
	var p deal.Pipeline
	if err := json.Unmarshal(st.Spec, &p); err != nil {
		return deal.Pipeline{}, 0, err
	}
	return p, st.Version, nil
}

// SavePipeline replaces the pipeline's stages (managers). Deals in a
// stage no longer there keep it until moved. version is the one the
// caller read (0 for the defaults), or -1 to skip the check.
func (a *App) SavePipeline(ctx context.Context, actor access.Actor, p deal.Pipeline, version int64) (deal.Pipeline, int64, error) {
	if err := actor.Require(access.SetPipeline, false); err != nil {
		return deal.Pipeline{}, 0, err
	}
	p.Normalize()
	if err := p.Validate(); err != nil {
		return deal.Pipeline{}, 0, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return deal.Pipeline{}, 0, err
	}
	var saved int64
	err = a.store.InTx(ctx, func(tx *store.Tx) error {
		cur, _, err := tx.Setting(ctx, PipelineKey)
		if err != nil {
			return err
		}
		if version < -1 || (version >= 0 && version != cur.Version) {
			return fault.StaleVersion("pipeline")
		}
		now := a.Now()
		if err := tx.SaveSetting(ctx, store.Setting{Key: PipelineKey, Name: "Pipeline stages", Spec: b, UpdatedAt: now}, cur.Version); err != nil {
			return err
		}
		saved = cur.Version + 1
		var before any = deal.DefaultPipeline()
		if cur.Spec != nil {
			before = json.RawMessage(cur.Spec)
		}
		return a.record(ctx, tx, actor, now, change{kind: "deal.pipeline_changed", subjectType: "pipeline", subjectID: PipelineKey,
			offTimeline: true, before: before, after: json.RawMessage(b)})
	})
	return p, saved, err
}

// dealSnapshot is what a deal's event holds: the deal and the names and
// probability its sentence needs as they were then.
type dealSnapshot struct {
	deal.Deal
	AccountName string `json:"account_name"`
	OwnerName   string `json:"owner_name"`
	Probability int    `json:"probability"`
}

func (a *App) recordDeal(ctx context.Context, tx *store.Tx, actor access.Actor, now time.Time, kind string, d deal.Deal, p deal.Pipeline) error {
	acc, err := tx.AccountOwner(ctx, d.AccountID)
	if err != nil {
		return err
	}
	owner, err := tx.User(ctx, d.OwnerID)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	st, _ := p.Stage(d.Stage)
	return a.record(ctx, tx, actor, now, change{kind: kind, accountID: d.AccountID, subjectType: "deal", subjectID: d.ID, team: "sales",
		after: dealSnapshot{Deal: d, AccountName: acc.Name, OwnerName: owner.Name, Probability: st.Probability}})
}

// CreateDeal adds a deal at an account. Its owner is the account's owner
// unless given; sales start deals they own. Service starts deals only
// from a case or an interaction (source service_follow_up), always for
// the account's owner, who is told (next_sale).
func (a *App) CreateDeal(ctx context.Context, actor access.Actor, in deal.Deal) (deal.Deal, error) {
	if err := actor.Require(access.StartDeals, false); err != nil {
		return deal.Deal{}, err
	}
	in.Normalize()
	now := a.Now()
	in.ID, in.CreatedByID, in.CreatedAt, in.UpdatedAt, in.Version = newID(), actor.User.ID, now, now, 1
	in.LostReason, in.LostTo, in.WonAt, in.LostAt = "", "", time.Time{}, time.Time{}
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		p, _, err := pipeline(ctx, tx)
		if err != nil {
			return err
		}
		if in.Stage == "" {
			in.Stage = p.Open()[0].Key
		}
		var f fault.Fields
		if err := in.Validate(p); err != nil {
			fe, _ := fault.As(err)
			f = append(f, fe.Fields...)
		}
		acc, err := tx.Account(ctx, in.AccountID)
		if in.AccountID != "" && fault.KindOf(err) == fault.NotFound {
			f.Add("account_id", "no account has this id")
		} else if in.AccountID != "" && err != nil {
			return err
		}
		if in.CaseID != "" {
			c, err := tx.Case(ctx, in.CaseID)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				f.Add("case_id", "no case has this id")
			case err != nil:
				return err
			case c.AccountID != in.AccountID:
				f.Add("case_id", "this case belongs to another account")
			}
		}
		if in.InteractionID != "" {
			i, err := tx.Interaction(ctx, in.InteractionID)
			switch {
			case fault.KindOf(err) == fault.NotFound:
				f.Add("interaction_id", "no interaction has this id")
			case err != nil:
				return err
			case i.AccountID != in.AccountID:
				f.Add("interaction_id", "this interaction belongs to another account")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if actor.User.Role == access.Service {
			if in.Source != deal.SourceServiceFollowUp {
				return fault.Forbiddenf("service starts deals from a case or an interaction only: source service_follow_up")
			}
			in.OwnerID = "" // always the account's owner
		}
		if in.OwnerID == "" && actor.User.Role == access.Sales {
			in.OwnerID = actor.User.ID // sales start their own deals
		}
		if in.OwnerID == "" {
			in.OwnerID = acc.OwnerID
		}
		if in.OwnerID == "" {
			in.OwnerID = actor.User.ID
		}
		if in.OwnerID != actor.User.ID && !actor.Can(access.EditDeals, false) && actor.User.Role != access.Service {
			return fault.Forbiddenf("your role (%s) may start deals for themselves only", actor.User.Role)
		}
		owner, err := tx.User(ctx, in.OwnerID)
		switch {
		case fault.KindOf(err) == fault.NotFound:
			return (&fault.Fields{{Field: "owner_id", Message: "no user has this id"}}).Err()
		case err != nil:
			return err
		case !owner.Active:
			return (&fault.Fields{{Field: "owner_id", Message: "this user is deactivated: choose someone active"}}).Err()
		}
		if err := tx.InsertDeal(ctx, in); err != nil {
			return err
		}
		if err := a.recordDeal(ctx, tx, actor, now, "deal.created", in, p); err != nil {
			return err
		}
		if in.Source != deal.SourceServiceFollowUp {
			return nil
		}
		msg := actorName(actor) + " started “" + in.Title + "” for you: the customer asked about it"
		if in.Amount.Minor > 0 {
			msg += " (" + in.Amount.String() + ")"
		}
		return a.tell(ctx, tx, actor, inbox.Notification{Kind: inbox.NextSale, SubjectType: "deal", SubjectID: in.ID, AccountID: acc.ID,
			URL: "/deals/" + in.ID, Message: acc.Name + ": " + msg}, in.OwnerID)
	})
	return in, err
}

// StartDealFromCase starts a deal from a case (service, after a happy
// customer asked about more): source service_follow_up, linked to the
// case, owned by the account's owner, who is told.
func (a *App) StartDealFromCase(ctx context.Context, actor access.Actor, caseID, title string, amount promise.Money) (deal.Deal, error) {
	if err := actor.Require(access.StartDeals, false); err != nil {
		return deal.Deal{}, err
	}
	c, err := a.store.Case(ctx, caseID)
	if err != nil {
		return deal.Deal{}, err
	}
	return a.CreateDeal(ctx, actor, deal.Deal{AccountID: c.AccountID, Title: title, Amount: amount, Source: deal.SourceServiceFollowUp, CaseID: c.ID})
}

// Deal returns one deal.
func (a *App) Deal(ctx context.Context, actor access.Actor, id string) (deal.Deal, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return deal.Deal{}, err
	}
	return a.store.Deal(ctx, id)
}

// Deals lists deals.
func (a *App) Deals(ctx context.Context, actor access.Actor, f store.DealFilter, p store.Page) ([]deal.Deal, string, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, "", err
	}
	var fields fault.Fields
	if f.Source != "" && !slices.Contains(deal.Sources, f.Source) {
		fields.Add("source", "use one of: "+strings.Join(deal.Sources, ", "))
	}
	if f.Sort != "" && f.Sort != "expected_close" && f.Sort != "amount" {
		fields.Add("sort", "sort by expected_close or amount")
	}
	if err := fields.Err(); err != nil {
		return nil, "", err
	}
	return a.store.Deals(ctx, f, p)
}

// DealPatch is a change to a deal; nil fields stay as they are.
type DealPatch struct {
	Title         *string
	Amount        *promise.Money
	ExpectedClose *time.Time // the zero time clears it
	Source        *string
	OwnerID       *string // managers only
}

// MayChangeDeal says whether the actor may change a deal (nil) or why
// not, for a form that reads what was typed before it changes the deal.
func (a *App) MayChangeDeal(ctx context.Context, actor access.Actor, id string) error {
	d, err := a.store.Deal(ctx, id)
	if err != nil {
		return err
	}
	return actor.Require(access.EditDeals, d.OwnerID == actor.User.ID)
}

// UpdateDeal changes an open deal's fields (its owner, managers, admins).
func (a *App) UpdateDeal(ctx context.Context, actor access.Actor, id string, patch DealPatch, version int64) (deal.Deal, error) {
	var out deal.Deal
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Deal(ctx, id)
		if err != nil {
			return err
		}
		if err := actor.Require(access.EditDeals, before.OwnerID == actor.User.ID); err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("deal")
		}
		if !before.Open() {
			return fault.New(fault.Conflict, "this deal was already %s: won and lost deals do not change", before.Stage)
		}
		d := before
		if patch.Title != nil {
			d.Title = *patch.Title
		}
		if patch.Amount != nil {
			d.Amount = *patch.Amount
		}
		if patch.ExpectedClose != nil {
			d.ExpectedClose = *patch.ExpectedClose
		}
		if patch.Source != nil {
			d.Source = *patch.Source
		}
		if patch.OwnerID != nil && *patch.OwnerID != d.OwnerID {
			if !actor.Can(access.EditDeals, false) {
				return fault.Forbiddenf("your role (%s) may not give a deal to someone else", actor.User.Role)
			}
			u, err := tx.User(ctx, *patch.OwnerID)
			if fault.KindOf(err) == fault.NotFound || (err == nil && !u.Active) {
				return (&fault.Fields{{Field: "owner_id", Message: "choose an active user"}}).Err()
			} else if err != nil {
				return err
			}
			d.OwnerID = u.ID
		}
		d.Normalize()
		p, _, err := pipeline(ctx, tx)
		if err != nil {
			return err
		}
		if _, ok := p.Stage(d.Stage); !ok {
			p.Stages = append([]deal.Stage{{Key: d.Stage, Name: d.Stage}}, p.Stages...) // a stage since removed still validates
		}
		if err := d.Validate(p); err != nil {
			return err
		}
		now := a.Now()
		d.UpdatedAt, d.Version = now, before.Version+1
		if err := tx.UpdateDeal(ctx, d, before.Version); err != nil {
			return err
		}
		out = d
		return a.recordDeal(ctx, tx, actor, now, "deal.updated", d, p)
	})
	return out, err
}

// MoveDeal moves a deal to another stage (its owner, managers, admins):
// won and lost are final, lost needs a reason. version is the one the
// caller read (0: any).
func (a *App) MoveDeal(ctx context.Context, actor access.Actor, id string, t deal.Transition, version int64) (deal.Deal, error) {
	var out deal.Deal
	err := a.store.InTx(ctx, func(tx *store.Tx) error {
		before, err := tx.Deal(ctx, id)
		if err != nil {
			return err
		}
		if err := actor.Require(access.EditDeals, before.OwnerID == actor.User.ID); err != nil {
			return err
		}
		if version != 0 && version != before.Version {
			return fault.StaleVersion("deal")
		}
		p, _, err := pipeline(ctx, tx)
		if err != nil {
			return err
		}
		d := before
		now := a.Now()
		if err := d.Move(p, t, now); err != nil {
			return err
		}
		if d.LostTo, err = canonicalCompetitor(ctx, tx, d.LostTo); err != nil {
			return err
		}
		d.UpdatedAt, d.Version = now, before.Version+1
		if err := tx.UpdateDeal(ctx, d, before.Version); err != nil {
			return err
		}
		out = d
		kind := "deal.moved"
		switch d.Stage {
		case deal.Won:
			kind = "deal.won"
		case deal.Lost:
			kind = "deal.lost"
		}
		return a.recordDeal(ctx, tx, actor, now, kind, d, p)
	})
	return out, err
}

// OpenPipeline is the sum of an account's open deals in its main
// currency: the currency most of its open deals are in (EUR when it has
// none; the largest sum breaks a tie). Deals in other currencies are left
// out: Tandem does not convert.
func (a *App) OpenPipeline(ctx context.Context, accountID string) (promise.Money, error) {
	sums, counts, err := a.store.OpenDealSums(ctx, accountID)
	if err != nil {
		return promise.Money{}, err
	}
	out := promise.Money{Currency: "EUR"}
	best := 0
	for cur, n := range counts {
		if n > best || (n == best && (sums[cur] > out.Minor || sums[cur] == out.Minor && cur < out.Currency)) {
			out, best = promise.Money{Minor: sums[cur], Currency: cur}, n
		}
	}
	return out, nil
}

// DealBoard is the pipeline board: the stages' columns with their first
// BoardCards deals by expected close, and the count and totals of all.
func (a *App) DealBoard(ctx context.Context, actor access.Actor, ownerID string) ([]deal.Column, deal.Pipeline, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, deal.Pipeline{}, err
	}
	p, _, err := pipeline(ctx, a.store)
	if err != nil {
		return nil, deal.Pipeline{}, err
	}
	var first []deal.Deal
	for _, st := range p.Open() {
		list, _, err := a.store.Deals(ctx, store.DealFilter{OwnerID: ownerID, Stage: st.Key, Sort: "expected_close"}, store.Page{Limit: BoardCards})
		if err != nil {
			return nil, p, err
		}
		first = append(first, list...)
	}
	sums, err := a.store.OpenStageSums(ctx, ownerID)
	if err != nil {
		return nil, p, err
	}
	return deal.BoardOf(p, first, sums), p, nil
}

// BoardCards is how many deals a board's column shows, the soonest to
// close first; its count and totals are of all its deals.
const BoardCards = 30

// MyOpenDeals lists the actor's open deals by expected close, the
// slipping ones (past their expected close) first.
func (a *App) MyOpenDeals(ctx context.Context, actor access.Actor, limit int) ([]deal.Deal, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	list, _, err := a.store.Deals(ctx, store.DealFilter{OwnerID: actor.User.ID, OpenOnly: true, Sort: "expected_close"}, store.Page{Limit: limit})
	return list, err
}

// ServiceRevenueRow is the won service follow-ups of one month and person.
type ServiceRevenueRow struct {
	Month  string        `json:"month" example:"2026-03"`
	UserID string        `json:"user_id"`
	Count  int           `json:"count"`
	Total  promise.Money `json:"total"`
}

// ServiceRevenueReport is the revenue service started: won deals of
// source service_follow_up per month, by the agent who started them and
// by the owner who won them, with totals per currency.
type ServiceRevenueReport struct {
	From      time.Time           `json:"from"`
	To        time.Time           `json:"to"`
	ByStarter []ServiceRevenueRow `json:"by_starter"`
	ByOwner   []ServiceRevenueRow `json:"by_owner"`
	Total     []promise.Money     `json:"total"`
	Count     int                 `json:"count"`
}

// ServiceRevenue reports the service follow-ups won in [from, to) (managers).
func (a *App) ServiceRevenue(ctx context.Context, actor access.Actor, from, to time.Time) (ServiceRevenueReport, error) {
	if err := actor.Require(access.ReadDealsTeam, false); err != nil {
		return ServiceRevenueReport{}, err
	}
	if to.IsZero() {
		to = a.Now().Add(time.Millisecond)
	}
	if !to.After(from) {
		return ServiceRevenueReport{}, (&fault.Fields{{Field: "to", Message: "the period ends after it starts"}}).Err()
	}
	won, err := a.store.WonDeals(ctx, deal.SourceServiceFollowUp, from, to)
	if err != nil {
		return ServiceRevenueReport{}, err
	}
	r := ServiceRevenueReport{From: from, To: to, ByStarter: []ServiceRevenueRow{}, ByOwner: []ServiceRevenueRow{}, Count: len(won)}
	add := func(rows []ServiceRevenueRow, month, user string, m promise.Money) []ServiceRevenueRow {
		i := slices.IndexFunc(rows, func(x ServiceRevenueRow) bool {
			return x.Month == month && x.UserID == user && x.Total.Currency == m.Currency
		})
		if i < 0 {
			rows = append(rows, ServiceRevenueRow{Month: month, UserID: user, Total: promise.Money{Currency: m.Currency}})
			i = len(rows) - 1
		}
		rows[i].Count++
		rows[i].Total.Minor += m.Minor
		return rows
	}
	for _, d := range won {
		month := d.WonAt.UTC().Format("2006-01")
		r.ByStarter = add(r.ByStarter, month, d.CreatedByID, d.Amount)
		r.ByOwner = add(r.ByOwner, month, d.OwnerID, d.Amount)
	}
	r.Total, _ = deal.Totals(won, 100)
	if r.Total == nil {
		r.Total = []promise.Money{}
	}
	sortRows := func(rows []ServiceRevenueRow) {
		slices.SortStableFunc(rows, func(x, y ServiceRevenueRow) int {
			return cmp.Or(cmp.Compare(x.Month, y.Month), cmp.Compare(y.Total.Minor, x.Total.Minor), cmp.Compare(x.UserID, y.UserID))
		})
	}
	sortRows(r.ByStarter)
	sortRows(r.ByOwner)
	return r, nil
}

// CompetitorReport is how often each competitor came up since From: the
// deals lost to it and the competitor quotes logged.
type CompetitorReport struct {
	From   time.Time               `json:"from"`
	LostTo []store.CompetitorCount `json:"lost_to"`
	Quotes []store.CompetitorCount `json:"quotes"`
	// Tallies are the quotes, comparisons and lost deals per competitor
	// of the list (names folded in by key), then the names not on it.
	Tallies []competitor.Tally `json:"tallies"`
}

// Competitors reports the deals lost to each competitor and its quotes
// over the last days days (managers).
func (a *App) Competitors(ctx context.Context, actor access.Actor, days int) (CompetitorReport, error) {
	if err := actor.Require(access.ReadDealsTeam, false); err != nil {
		return CompetitorReport{}, err
	}
	if days < 1 || days > 3660 {
		return CompetitorReport{}, (&fault.Fields{{Field: "days", Message: "look back 1 to 3,660 days"}}).Err()
	}
	from := a.Now().AddDate(0, 0, -days)
	lost, err := a.store.DealsLostTo(ctx, from)
	if err != nil {
		return CompetitorReport{}, err
	}
	quotes, err := a.store.CompetitorQuotes(ctx, from)
	if err != nil {
		return CompetitorReport{}, err
	}
	list, err := a.store.Competitors(ctx)
	if err != nil {
		return CompetitorReport{}, err
	}
	counts, err := a.store.ShoppingCounts(ctx, from)
	return CompetitorReport{From: from, LostTo: lost, Quotes: quotes, Tallies: competitor.Fold(list, counts)}, err
}

// DealHistory is a deal's events, the newest first: when it was started,
// changed, moved, won or lost, and by whom.
func (a *App) DealHistory(ctx context.Context, actor access.Actor, id string) ([]event.Event, error) {
	if err := actor.Require(access.ReadRecords, false); err != nil {
		return nil, err
	}
	return a.store.SubjectEvents(ctx, "deal", id, 200)
}

// StartDealFromInteraction starts a service follow-up deal from an
// interaction ("the customer is happy and asked about X"): linked to it,
// at its account, owned as CreateDeal owns deals (the account's owner,
// who is told, when service starts it).
func (a *App) StartDealFromInteraction(ctx context.Context, actor access.Actor, interactionID, title string, amount promise.Money) (deal.Deal, error) {
	if err := actor.Require(access.StartDeals, false); err != nil {
		return deal.Deal{}, err
	}
	in, err := a.store.Interaction(ctx, interactionID)
	if err != nil {
		return deal.Deal{}, err
	}
	return a.CreateDeal(ctx, actor, deal.Deal{AccountID: in.AccountID, Title: title, Amount: amount, Source: deal.SourceServiceFollowUp,
		InteractionID: in.ID})
}
