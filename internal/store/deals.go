package store

import (
	"context"
	"database/sql"
	"time"

	"tandem/internal/deal"
)

const dealCols = `id, account_id, owner_id, title, amount_minor, currency, stage, expected_close, source, case_id, interaction_id, created_by_id,
	lost_reason, lost_to, won_at, lost_at, created_at, updated_at, version`

func scanDeal(sc interface{ Scan(...any) error }) (deal.Deal, error) {
	var d deal.Deal
	var caseID, interaction, createdBy sql.NullString
	var expected, won, lost sql.NullInt64
	var created, updated int64
	err := sc.Scan(&d.ID, &d.AccountID, &d.OwnerID, &d.Title, &d.Amount.Minor, &d.Amount.Currency, &d.Stage, &expected, &d.Source, &caseID,
		&interaction, &createdBy, &d.LostReason, &d.LostTo, &won, &lost, &created, &updated, &d.Version)
	d.CaseID, d.InteractionID, d.CreatedByID = caseID.String, interaction.String, createdBy.String
	d.ExpectedClose, d.WonAt, d.LostAt, d.CreatedAt, d.UpdatedAt = fromNullMS(expected), fromNullMS(won), fromNullMS(lost), fromMS(created), fromMS(updated)
	return d, err
}

func dealArgs(d deal.Deal) []any {
	return []any{d.ID, d.AccountID, d.OwnerID, d.Title, d.Amount.Minor, d.Amount.Currency, d.Stage, nullMS(d.ExpectedClose), d.Source,
		nullStr(d.CaseID), nullStr(d.InteractionID), nullStr(d.CreatedByID), d.LostReason, d.LostTo, nullMS(d.WonAt), nullMS(d.LostAt),
		ms(d.CreatedAt), ms(d.UpdatedAt)}
}

// InsertDeal adds a deal.
func (tx *Tx) InsertDeal(ctx context.Context, d deal.Deal) error {
	_, err := tx.exec(ctx, `INSERT INTO deals (`+dealCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
		$17, $18, 1)`, dealArgs(d)...)
	return err
}

// UpdateDeal writes a deal if its version is still expected.
func (tx *Tx) UpdateDeal(ctx context.Context, d deal.Deal, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE deals SET account_id = $2, owner_id = $3, title = $4, amount_minor = $5, currency = $6, stage = $7,
		expected_close = $8, source = $9, case_id = $10, interaction_id = $11, created_by_id = $12, lost_reason = $13, lost_to = $14,
		won_at = $15, lost_at = $16, created_at = $17, updated_at = $18, version = version + 1 WHERE id = $1 AND version = $19`,
		append(dealArgs(d), expected)...)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "deal")
}

// Deal returns one deal.
func (q q) Deal(ctx context.Context, id string) (deal.Deal, error) {
	d, err := scanDeal(q.row(ctx, `SELECT `+dealCols+` FROM deals WHERE id = $1`, id))
	return d, notFound(err, "deal")
}

// DealFilter narrows the deals list.
type DealFilter struct {
	AccountID string
	OwnerID   string
	Stage     string
	Source    string
	OpenOnly  bool
	// Sort is expected_close (the soonest first, unknown last), amount
	// (the largest first) or empty: the newest first.
	Sort string
}

// Deals lists deals in the filter's order.
func (q q) Deals(ctx context.Context, f DealFilter, p Page) ([]deal.Deal, string, error) {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.OwnerID != "" {
		w.add("owner_id = ?", f.OwnerID)
	}
	if f.Stage != "" {
		w.add("stage = ?", f.Stage)
	}
	if f.Source != "" {
		w.add("source = ?", f.Source)
	}
	if f.OpenOnly {
		w.add("stage NOT IN ('won', 'lost')")
	}
	order := "id DESC"
	switch f.Sort {
	case "expected_close":
		order = "CASE WHEN expected_close IS NULL THEN 1 ELSE 0 END, expected_close, id"
	case "amount":
		order = "amount_minor DESC, id"
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	offset := 0
	if c != nil {
		offset = int(c.N)
	}
	n := p.limit()
	limit := w.next(n + 1)
	off := w.next(offset)
	rows, err := q.query(ctx, `SELECT `+dealCols+` FROM deals`+w.String()+` ORDER BY `+order+` LIMIT `+limit+` OFFSET `+off, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanDeal)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: int64(offset + n), ID: out[n-1].ID}.String()
	}
	return out, next, nil
}

// OpenDealSums sums an account's open deals per currency.
func (q q) OpenDealSums(ctx context.Context, accountID string) (map[string]int64, map[string]int, error) {
	rows, err := q.query(ctx, `SELECT currency, COUNT(*), SUM(amount_minor) FROM deals WHERE account_id = $1 AND stage NOT IN ('won', 'lost')
		GROUP BY currency`, accountID)
	if err != nil {
		return nil, nil, err
	}
	list, err := collect(rows, func(sc interface{ Scan(...any) error }) (deal.StageSum, error) {
		var s deal.StageSum
		err := sc.Scan(&s.Amount.Currency, &s.Count, &s.Amount.Minor)
		return s, err
	})
	if err != nil {
		return nil, nil, err
	}
	sums, counts := map[string]int64{}, map[string]int{}
	for _, s := range list {
		sums[s.Amount.Currency], counts[s.Amount.Currency] = s.Amount.Minor, s.Count
	}
	return sums, counts, nil
}

// WonDeals lists the deals won in [from, to) of a source ("" any), the
// earliest first.
func (q q) WonDeals(ctx context.Context, source string, from, to time.Time) ([]deal.Deal, error) {
	var w where
	w.add("stage = 'won' AND won_at >= ? AND won_at < ?", ms(from), ms(to))
	if source != "" {
		w.add("source = ?", source)
	}
	rows, err := q.query(ctx, `SELECT `+dealCols+` FROM deals`+w.String()+` ORDER BY won_at, id`, w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeal)
}

// CompetitorCount is how often one competitor came up.
type CompetitorCount struct {
	Competitor string `json:"competitor"`
	Count      int    `json:"count"`
}

// DealsLostTo counts the deals lost to each named competitor since from,
// the most first.
func (q q) DealsLostTo(ctx context.Context, from time.Time) ([]CompetitorCount, error) {
	return q.competitorCounts(ctx, `SELECT lost_to, COUNT(*) FROM deals WHERE stage = 'lost' AND lost_to <> '' AND lost_at >= $1
		GROUP BY lost_to ORDER BY 2 DESC, 1`, ms(from))
}

// CompetitorQuotes counts the competitor quotes logged since from per
// competitor, the most first.
func (q q) CompetitorQuotes(ctx context.Context, from time.Time) ([]CompetitorCount, error) {
	return q.competitorCounts(ctx, `SELECT competitor, COUNT(*) FROM interactions WHERE kind = 'competitor_quote' AND competitor <> ''
		AND occurred_at >= $1 GROUP BY competitor ORDER BY 2 DESC, 1`, ms(from))
}

func (q q) competitorCounts(ctx context.Context, query string, args ...any) ([]CompetitorCount, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (CompetitorCount, error) {
		var c CompetitorCount
		err := sc.Scan(&c.Competitor, &c.Count)
		return c, err
	})
	if out == nil {
		out = []CompetitorCount{}
	}
	return out, err
}

// OpenStageSums adds up the open deals (of one owner; "" everyone's) per
// stage and currency, by the deals_owner and deals_stage indexes.
func (q q) OpenStageSums(ctx context.Context, ownerID string) ([]deal.StageSum, error) {
	var w where
	w.add("stage NOT IN ('won', 'lost')")
	if ownerID != "" {
		w.add("owner_id = ?", ownerID)
	}
	rows, err := q.query(ctx, `SELECT stage, currency, COUNT(*), SUM(amount_minor) FROM deals`+w.String()+` GROUP BY stage, currency ORDER BY stage, currency`,
		w.args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (deal.StageSum, error) {
		var s deal.StageSum
		err := sc.Scan(&s.Stage, &s.Amount.Currency, &s.Count, &s.Amount.Minor)
		return s, err
	})
}
