package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"tandem/internal/goodwill"
	"tandem/internal/promotion"
)

const goodwillCols = `id, account_id, promise_id, case_id, kind, amount_minor, currency, reason, requested_by_id, requested_at, status,
	within_limit, limit_minor, limit_currency, decided_by_id, decided_at, decision_note, created_at, updated_at, version`

func scanGoodwill(sc interface{ Scan(...any) error }) (goodwill.Goodwill, error) {
	var g goodwill.Goodwill
	var promise, caseID, decidedBy sql.NullString
	var decidedAt sql.NullInt64
	var requested, created, updated int64
	var status string
	var within int
	err := sc.Scan(&g.ID, &g.AccountID, &promise, &caseID, &g.Kind, &g.Amount.Minor, &g.Amount.Currency, &g.Reason, &g.RequestedByID, &requested,
		&status, &within, &g.Limit.Minor, &g.Limit.Currency, &decidedBy, &decidedAt, &g.DecisionNote, &created, &updated, &g.Version)
	g.PromiseID, g.CaseID, g.DecidedByID, g.Status, g.WithinLimit = promise.String, caseID.String, decidedBy.String, goodwill.Status(status), within == 1
	g.RequestedAt, g.DecidedAt, g.CreatedAt, g.UpdatedAt = fromMS(requested), fromNullMS(decidedAt), fromMS(created), fromMS(updated)
	return g, err
}

func goodwillArgs(g goodwill.Goodwill) []any {
	return []any{g.ID, g.AccountID, nullStr(g.PromiseID), nullStr(g.CaseID), g.Kind, g.Amount.Minor, g.Amount.Currency, g.Reason, g.RequestedByID,
		ms(g.RequestedAt), string(g.Status), boolInt(g.WithinLimit), g.Limit.Minor, g.Limit.Currency, nullStr(g.DecidedByID), nullMS(g.DecidedAt),
		g.DecisionNote, ms(g.CreatedAt), ms(g.UpdatedAt)}
}

// InsertGoodwill adds a request for goodwill.
func (tx *Tx) InsertGoodwill(ctx context.Context, g goodwill.Goodwill) error {
	_, err := tx.exec(ctx, `INSERT INTO goodwill (`+goodwillCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
		$15, $16, $17, $18, $19, 1)`, goodwillArgs(g)...)
	return err
}

// DecideGoodwill writes a decision on goodwill if its version is still expected.
func (tx *Tx) DecideGoodwill(ctx context.Context, g goodwill.Goodwill, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE goodwill SET status = $1, decided_by_id = $2, decided_at = $3, decision_note = $4, updated_at = $5,
		version = version + 1 WHERE id = $6 AND version = $7`,
		string(g.Status), nullStr(g.DecidedByID), nullMS(g.DecidedAt), g.DecisionNote, ms(g.UpdatedAt), g.ID, expected)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "goodwill")
}

// Goodwill returns one grant or request of goodwill.
func (q q) Goodwill(ctx context.Context, id string) (goodwill.Goodwill, error) {
	g, err := scanGoodwill(q.row(ctx, `SELECT `+goodwillCols+` FROM goodwill WHERE id = $1`, id))
	return g, notFound(err, "goodwill")
}

// HasGoodwill reports whether an account has goodwill on record.
func (q q) HasGoodwill(ctx context.Context, accountID string) (bool, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM goodwill WHERE account_id = $1 LIMIT 1) g`, accountID).Scan(&n)
	return n > 0, err
}

// GoodwillFilter narrows the goodwill list.
type GoodwillFilter struct {
	AccountID     string
	RequestedByID string
	Status        goodwill.Status // empty: every status
}

// GoodwillList lists goodwill newest first.
func (q q) GoodwillList(ctx context.Context, f GoodwillFilter, p Page) ([]goodwill.Goodwill, string, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.RequestedByID != "" {
		w.add("requested_by_id = ?", f.RequestedByID)
	}
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("id < ?", c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+goodwillCols+` FROM goodwill`+w.String()+` ORDER BY id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanGoodwill)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{ID: out[n-1].ID}.String()
	}
	return out, next, nil
}

// GoodwillSum is the approved goodwill of one kind, reason, requester and
// account in one currency.
type GoodwillSum struct {
	Kind, Reason, RequestedByID, AccountID, Currency string
	Count                                            int
	TotalMinor                                       int64
}

// GoodwillSums sums the goodwill approved in [from, to) by kind, reason,
// requester, account and currency.
func (q q) GoodwillSums(ctx context.Context, from, to time.Time) ([]GoodwillSum, error) {
	rows, err := q.query(ctx, `SELECT kind, reason, requested_by_id, account_id, currency, COUNT(*), SUM(amount_minor) FROM goodwill
		WHERE status = 'approved' AND decided_at >= $1 AND decided_at < $2
		GROUP BY kind, reason, requested_by_id, account_id, currency ORDER BY 1, 2, 3, 4, 5`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (GoodwillSum, error) {
		var s GoodwillSum
		err := sc.Scan(&s.Kind, &s.Reason, &s.RequestedByID, &s.AccountID, &s.Currency, &s.Count, &s.TotalMinor)
		return s, err
	})
}

const promotionCols = `id, name, terms, starts_at, ends_at, promise_kind, promise_days, active, tiers, created_at, updated_at, version`

func scanPromotion(sc interface{ Scan(...any) error }) (promotion.Promotion, error) {
	var p promotion.Promotion
	var starts, ends, created, updated int64
	var active int
	var tiers string
	err := sc.Scan(&p.ID, &p.Name, &p.Terms, &starts, &ends, &p.PromiseKind, &p.PromiseDays, &active, &tiers, &created, &updated, &p.Version)
	p.StartsAt, p.EndsAt, p.CreatedAt, p.UpdatedAt, p.Active = fromMS(starts), fromMS(ends), fromMS(created), fromMS(updated), active == 1
	p.Tiers = []string{}
	if tiers != "" {
		p.Tiers = strings.Split(tiers, ",")
	}
	return p, err
}

func promotionArgs(p promotion.Promotion) []any {
	return []any{p.ID, p.Name, p.Terms, ms(p.StartsAt), ms(p.EndsAt), p.PromiseKind, p.PromiseDays, boolInt(p.Active), strings.Join(p.Tiers, ","),
		ms(p.CreatedAt), ms(p.UpdatedAt)}
}

// InsertPromotion adds a promotion.
func (tx *Tx) InsertPromotion(ctx context.Context, p promotion.Promotion) error {
	_, err := tx.exec(ctx, `INSERT INTO promotions (`+promotionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`, promotionArgs(p)...)
	return err
}

// UpdatePromotion writes a promotion if its version is still expected.
func (tx *Tx) UpdatePromotion(ctx context.Context, p promotion.Promotion, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE promotions SET name = $2, terms = $3, starts_at = $4, ends_at = $5, promise_kind = $6, promise_days = $7,
		active = $8, tiers = $9, created_at = $10, updated_at = $11, version = version + 1 WHERE id = $1 AND version = $12`,
		append(promotionArgs(p), expected)...)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "promotion")
}

// Promotion returns one promotion.
func (q q) Promotion(ctx context.Context, id string) (promotion.Promotion, error) {
	p, err := scanPromotion(q.row(ctx, `SELECT `+promotionCols+` FROM promotions WHERE id = $1`, id))
	return p, notFound(err, "promotion")
}

// PromotionFilter narrows the promotions list.
type PromotionFilter struct {
	// RunningAt, when set, keeps the active promotions running at that moment.
	RunningAt time.Time
}

// Promotions lists promotions, the latest to start first.
func (q q) Promotions(ctx context.Context, f PromotionFilter, p Page) ([]promotion.Promotion, string, error) {
	var w where
	if !f.RunningAt.IsZero() {
		w.add("active = 1 AND starts_at <= ? AND ends_at > ?", ms(f.RunningAt), ms(f.RunningAt))
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(starts_at, id) < (?, ?)", c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+promotionCols+` FROM promotions`+w.String()+` ORDER BY starts_at DESC, id DESC LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanPromotion)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: ms(out[n-1].StartsAt), ID: out[n-1].ID}.String()
	}
	return out, next, nil
}
