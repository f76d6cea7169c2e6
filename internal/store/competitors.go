package store

import (
	"context"
	"database/sql"
	"time"

	"tandem/internal/competitor"
	"tandem/internal/fault"
	"tandem/internal/money"
)

const competitorCols = `id, name, website, notes, active, created_at, updated_at, version`

func scanCompetitor(sc interface{ Scan(...any) error }) (competitor.Competitor, error) {
	var c competitor.Competitor
	var created, updated int64
	err := sc.Scan(&c.ID, &c.Name, &c.Website, &c.Notes, &c.Active, &created, &updated, &c.Version)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, err
}

func competitorConflict(err error) error {
	if IsUnique(err) {
		return &fault.Error{Kind: fault.Conflict, Message: "this competitor is already on the list",
			Fields: []fault.FieldError{{Field: "name", Message: "this competitor is already on the list (names are matched without case, punctuation and Inc./Ltd.)"}}}
	}
	return err
}

// InsertCompetitor adds a competitor at version 1.
func (tx *Tx) InsertCompetitor(ctx context.Context, c competitor.Competitor) error {
	_, err := tx.exec(ctx, `INSERT INTO competitors (id, name, name_key, website, notes, active, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1)`,
		c.ID, c.Name, competitor.Key(c.Name), c.Website, c.Notes, c.Active, ms(c.CreatedAt), ms(c.UpdatedAt))
	return competitorConflict(err)
}

// UpdateCompetitor writes a competitor if its version is still expected.
func (tx *Tx) UpdateCompetitor(ctx context.Context, c competitor.Competitor, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE competitors SET name = $2, name_key = $3, website = $4, notes = $5, active = $6, updated_at = $7,
		version = version + 1 WHERE id = $1 AND version = $8`,
		c.ID, c.Name, competitor.Key(c.Name), c.Website, c.Notes, c.Active, ms(c.UpdatedAt), expected)
	if err != nil {
		return competitorConflict(err)
	}
	return staleUnlessOne(res, "competitor")
}

// Competitor returns one competitor.
func (q q) Competitor(ctx context.Context, id string) (competitor.Competitor, error) {
	c, err := scanCompetitor(q.row(ctx, `SELECT `+competitorCols+` FROM competitors WHERE id = $1`, id))
	return c, notFound(err, "competitor")
}

// Competitors lists the competitors by name.
func (q q) Competitors(ctx context.Context) ([]competitor.Competitor, error) {
	rows, err := q.query(ctx, `SELECT `+competitorCols+` FROM competitors ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCompetitor)
}

// shoppingKinds are the interaction kinds that are shopping signals.
const shoppingKinds = `('competitor_quote', 'comparing')`

func scanSignal(sc interface{ Scan(...any) error }) (competitor.Signal, error) {
	var s competitor.Signal
	var at int64
	err := sc.Scan(&s.Kind, &at, &s.Competitor, &s.Summary, &s.SubjectID, &s.AccountID)
	s.At = fromMS(at)
	return s, err
}

// ShoppingSignals returns an account's shopping signals since from, the
// newest first, at most limit: its competitor quotes and comparisons (by
// interactions_timeline) and its lost deals (by deals_account_lost).
func (q q) ShoppingSignals(ctx context.Context, accountID string, from time.Time, limit int) ([]competitor.Signal, error) {
	return q.signals(ctx, `SELECT CASE kind WHEN 'comparing' THEN 'compares' ELSE 'quote' END, occurred_at, competitor, summary, id, account_id
		FROM interactions WHERE account_id = $1 AND occurred_at >= $2 AND kind IN `+shoppingKinds+`
		UNION ALL
		SELECT 'lost_deal', lost_at, lost_to, title || ': ' || lost_reason, id, account_id FROM deals
		WHERE account_id = $1 AND stage = 'lost' AND lost_at >= $2
		ORDER BY 2 DESC, 5 DESC LIMIT $3`, accountID, ms(from), limit)
}

// CompetitorSignals returns the signals naming one competitor (by any of
// names, as recorded) since from, the newest first, at most limit.
func (q q) CompetitorSignals(ctx context.Context, names []string, from time.Time, limit int) ([]competitor.Signal, error) {
	if len(names) == 0 {
		return []competitor.Signal{}, nil
	}
	var w where
	w.args = append(w.args, ms(from))
	in := placeholders(&w, names)
	lim := w.next(limit)
	return q.signals(ctx, `SELECT CASE kind WHEN 'comparing' THEN 'compares' ELSE 'quote' END, occurred_at, competitor, summary, id, account_id
		FROM interactions WHERE occurred_at >= $1 AND kind IN `+shoppingKinds+` AND competitor IN (`+in+`)
		UNION ALL
		SELECT 'lost_deal', lost_at, lost_to, title || ': ' || lost_reason, id, account_id FROM deals
		WHERE stage = 'lost' AND lost_at >= $1 AND lost_to IN (`+in+`)
		ORDER BY 2 DESC, 5 DESC LIMIT `+lim, w.args...)
}

func (q q) signals(ctx context.Context, query string, args ...any) ([]competitor.Signal, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanSignal)
	if out == nil {
		out = []competitor.Signal{}
	}
	return out, err
}

func scanShoppingCount(sc interface{ Scan(...any) error }) (competitor.Count, error) {
	var c competitor.Count
	err := sc.Scan(&c.Kind, &c.Competitor, &c.Count, &c.Accounts)
	return c, err
}

// ShoppingCounts counts the signals naming a competitor since from, per
// kind and name as recorded, with the number of accounts.
func (q q) ShoppingCounts(ctx context.Context, from time.Time) ([]competitor.Count, error) {
	rows, err := q.query(ctx, `SELECT CASE kind WHEN 'comparing' THEN 'compares' ELSE 'quote' END, competitor, COUNT(*), COUNT(DISTINCT account_id)
		FROM interactions WHERE occurred_at >= $1 AND kind IN `+shoppingKinds+` AND competitor <> '' GROUP BY 1, 2
		UNION ALL
		SELECT 'lost_deal', lost_to, COUNT(*), COUNT(DISTINCT account_id) FROM deals WHERE stage = 'lost' AND lost_to <> '' AND lost_at >= $1
		GROUP BY 2
		ORDER BY 1, 2`, ms(from))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanShoppingCount)
}

// SetWallet writes an account's estimated total spend in our category;
// a nil spend removes the estimate.
func (tx *Tx) SetWallet(ctx context.Context, accountID string, spend *money.Money, note, by string, at time.Time) error {
	if spend == nil {
		_, err := tx.exec(ctx, `DELETE FROM account_wallets WHERE account_id = $1`, accountID)
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO account_wallets (account_id, spend_minor, currency, note, updated_by_id, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO UPDATE SET spend_minor = excluded.spend_minor,
		currency = excluded.currency, note = excluded.note, updated_by_id = excluded.updated_by_id, updated_at = excluded.updated_at`,
		accountID, spend.Minor, spend.Currency, note, nullStr(by), ms(at))
	return err
}

// Wallet is sales' estimate of a customer's total spend in our category.
type Wallet struct {
	Spend       money.Money `json:"spend"`
	Note        string      `json:"note"`
	UpdatedByID string      `json:"updated_by_id"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Wallet returns an account's estimate, nil when there is none.
func (q q) Wallet(ctx context.Context, accountID string) (*Wallet, error) {
	var w Wallet
	var by sql.NullString
	var at int64
	err := q.row(ctx, `SELECT spend_minor, currency, note, updated_by_id, updated_at FROM account_wallets WHERE account_id = $1`, accountID).
		Scan(&w.Spend.Minor, &w.Spend.Currency, &w.Note, &by, &at)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	w.UpdatedByID, w.UpdatedAt = by.String, fromMS(at)
	return &w, nil
}
