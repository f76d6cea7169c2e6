package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"tandem/internal/promise"
)

const promiseCols = `id, account_id, contact_id, made_by_id, made_at, kind, description, amount_minor, currency, due_at, case_id, replaces_id,
	status, overdue_at, kept_at, kept_by_id, evidence, broken_at, broken_reason, cancelled_at, cancel_reason, acknowledgement,
	policy_warnings, backdated_reason, check_at, created_at, updated_at, version,
	promotion_id, exception_policy_id, exception_policy_name, exception_reason, team`

func scanPromise(sc interface{ Scan(...any) error }) (promise.Promise, error) {
	var p promise.Promise
	var contact, caseID, replaces, keptBy, currency, promotion, exception sql.NullString
	var amount, overdue, kept, broken, cancelled sql.NullInt64
	var made, due, check, created, updated int64
	var kind, status, warnings string
	err := sc.Scan(&p.ID, &p.AccountID, &contact, &p.MadeByID, &made, &kind, &p.Description, &amount, &currency, &due, &caseID, &replaces,
		&status, &overdue, &kept, &keptBy, &p.Evidence, &broken, &p.BrokenReason, &cancelled, &p.CancelReason, &p.Acknowledgement,
		&warnings, &p.BackdatedReason, &check, &created, &updated, &p.Version,
		&promotion, &exception, &p.ExceptionPolicyName, &p.ExceptionReason, &p.Team)
	if err != nil {
		return p, err
	}
	p.ContactID, p.CaseID, p.ReplacesID, p.KeptByID = contact.String, caseID.String, replaces.String, keptBy.String
	p.PromotionID, p.ExceptionPolicyID = promotion.String, exception.String
	p.Kind, p.Status = promise.Kind(kind), promise.Status(status)
	if amount.Valid {
		p.Amount = &promise.Money{Minor: amount.Int64, Currency: currency.String}
	}
	if check != noDeadline {
		p.CheckAt = fromMS(check)
	}
	p.MadeAt, p.DueAt, p.CreatedAt, p.UpdatedAt = fromMS(made), fromMS(due), fromMS(created), fromMS(updated)
	p.OverdueAt, p.KeptAt, p.BrokenAt, p.CancelledAt = fromNullMS(overdue), fromNullMS(kept), fromNullMS(broken), fromNullMS(cancelled)
	err = json.Unmarshal([]byte(warnings), &p.PolicyWarnings)
	return p, err
}

func promiseArgs(p promise.Promise) []any {
	var amount sql.NullInt64
	var currency sql.NullString
	if p.Amount != nil {
		amount, currency = sql.NullInt64{Int64: p.Amount.Minor, Valid: true}, sql.NullString{String: p.Amount.Currency, Valid: true}
	}
	warnings := p.PolicyWarnings
	if warnings == nil {
		warnings = []promise.PolicyWarning{}
	}
	w, _ := json.Marshal(warnings)
	return []any{p.ID, p.AccountID, nullStr(p.ContactID), p.MadeByID, ms(p.MadeAt), string(p.Kind), p.Description, amount, currency,
		ms(p.DueAt), nullStr(p.CaseID), nullStr(p.ReplacesID), string(p.Status), nullMS(p.OverdueAt), nullMS(p.KeptAt), nullStr(p.KeptByID),
		p.Evidence, nullMS(p.BrokenAt), p.BrokenReason, nullMS(p.CancelledAt), p.CancelReason, p.Acknowledgement, string(w),
		p.BackdatedReason, checkAt(p), ms(p.CreatedAt), ms(p.UpdatedAt),
		nullStr(p.PromotionID), nullStr(p.ExceptionPolicyID), p.ExceptionPolicyName, p.ExceptionReason, teamOr(p.Team)}
}

func teamOr(t string) string {
	if t == "" {
		return "sales"
	}
	return t
}

func checkAt(p promise.Promise) int64 {
	if p.CheckAt.IsZero() {
		return noDeadline
	}
	return ms(p.CheckAt)
}

// InsertPromise adds a promise at version 1.
func (tx *Tx) InsertPromise(ctx context.Context, p promise.Promise) error {
	_, err := tx.exec(ctx, `INSERT INTO promises (`+promiseCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
		$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, 1, $28, $29, $30, $31, $32)`, promiseArgs(p)...)
	return err
}

// UpdatePromise writes a promise if its version is still expected.
func (tx *Tx) UpdatePromise(ctx context.Context, p promise.Promise, expected int64) error {
	args := append(promiseArgs(p), expected)
	res, err := tx.exec(ctx, `UPDATE promises SET account_id = $2, contact_id = $3, made_by_id = $4, made_at = $5, kind = $6, description = $7,
		amount_minor = $8, currency = $9, due_at = $10, case_id = $11, replaces_id = $12, status = $13, overdue_at = $14, kept_at = $15,
		kept_by_id = $16, evidence = $17, broken_at = $18, broken_reason = $19, cancelled_at = $20, cancel_reason = $21, acknowledgement = $22,
		policy_warnings = $23, backdated_reason = $24, check_at = $25, created_at = $26, updated_at = $27, version = version + 1,
		promotion_id = $28, exception_policy_id = $29, exception_policy_name = $30, exception_reason = $31, team = $32
		WHERE id = $1 AND version = $33`, args...)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "promise")
}

// Promise returns a promise by id.
func (q q) Promise(ctx context.Context, id string) (promise.Promise, error) {
	p, err := scanPromise(q.row(ctx, `SELECT `+promiseCols+` FROM promises WHERE id = $1`, id))
	return p, notFound(err, "promise")
}

// PromiseFilter narrows the promise list.
type PromiseFilter struct {
	AccountID string
	MadeByID  string
	// MineOrOwnedBy lists the promises this user made or made to the
	// accounts they own (the sales home).
	MineOrOwnedBy string
	CaseID        string
	Statuses      []promise.Status // empty: every status
	// Only promises due in [DueAfter, DueBefore); zero leaves a bound open.
	DueAfter, DueBefore time.Time
	Team                string // sales or service: the team the promise was made for
	PromotionID         string
	// KeptLate, when set, keeps only kept promises kept after (true) or by
	// (false) their due time.
	KeptLate *bool
	// Exception keeps only the promises recorded as exceptions to a block
	// policy.
	Exception bool
}

func (f PromiseFilter) where() where {
	var w where
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.MadeByID != "" {
		w.add("made_by_id = ?", f.MadeByID)
	}
	if f.MineOrOwnedBy != "" {
		w.add("(made_by_id = ? OR account_id IN (SELECT id FROM accounts WHERE owner_id = ?))", f.MineOrOwnedBy, f.MineOrOwnedBy)
	}
	if f.CaseID != "" {
		w.add("case_id = ?", f.CaseID)
	}
	if len(f.Statuses) > 0 {
		w.conds = append(w.conds, "status IN ("+placeholders(&w, f.Statuses)+")")
	}
	if f.Team != "" {
		w.add("team = ?", f.Team)
	}
	if f.PromotionID != "" {
		w.add("promotion_id = ?", f.PromotionID)
	}
	if f.KeptLate != nil {
		if *f.KeptLate {
			w.conds = append(w.conds, "(status = 'kept' AND kept_at > due_at)")
		} else {
			w.conds = append(w.conds, "(status = 'kept' AND kept_at <= due_at)")
		}
	}
	if f.Exception {
		w.conds = append(w.conds, "exception_policy_id IS NOT NULL")
	}
	if !f.DueAfter.IsZero() {
		w.add("due_at >= ?", ms(f.DueAfter))
	}
	if !f.DueBefore.IsZero() {
		w.add("due_at < ?", ms(f.DueBefore))
	}
	return w
}

// Promises lists promises by due time, soonest (and so overdue) first.
func (q q) Promises(ctx context.Context, f PromiseFilter, p Page) ([]promise.Promise, string, error) {
	w := f.where()
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(due_at > ? OR (due_at = ? AND id > ?))", c.N, c.N, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+promiseCols+` FROM promises`+w.String()+` ORDER BY due_at, id LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	out, err := collect(rows, scanPromise)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{N: ms(out[n-1].DueAt), ID: out[n-1].ID}.String()
	}
	return out, next, nil
}

// PromisesWithMomentsBetween lists the promises whose next moment (due,
// or the end of the grace period) comes in (from, to].
func (q q) PromisesWithMomentsBetween(ctx context.Context, from, to time.Time) ([]string, error) {
	rows, err := q.query(ctx, `SELECT id FROM promises WHERE check_at > $1 AND check_at <= $2`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}

// scanString reads a row of one text column.
func scanString(sc interface{ Scan(...any) error }) (string, error) {
	var s string
	err := sc.Scan(&s)
	return s, err
}

// SetPromiseCheck moves a promise's next moment. It is not a change to
// the promise, so its version stays.
func (tx *Tx) SetPromiseCheck(ctx context.Context, id string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE promises SET check_at = $1 WHERE id = $2`, checkAt(promise.Promise{CheckAt: at}), id)
	return err
}

// PromiseTally counts the promises due in a period of one maker, team,
// account and outcome.
type PromiseTally struct {
	MadeByID, Team, AccountID string
	Status                    promise.Status
	OnTime                    bool // kept by its due time
	Exception                 bool // recorded as an exception to a block policy
	Count                     int
}

// PromiseTallies counts the promises due in [from, to) by maker, team,
// account, status, whether kept on time and whether an exception. It
// reads the promises due in the period only (promises_due).
func (q q) PromiseTallies(ctx context.Context, from, to time.Time) ([]PromiseTally, error) {
	rows, err := q.query(ctx, `SELECT made_by_id, team, account_id, status,
		CASE WHEN status = 'kept' AND kept_at <= due_at THEN 1 ELSE 0 END,
		CASE WHEN exception_policy_id IS NULL THEN 0 ELSE 1 END, COUNT(*)
		FROM promises WHERE due_at >= $1 AND due_at < $2
		GROUP BY made_by_id, team, account_id, status, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (PromiseTally, error) {
		var t PromiseTally
		var status string
		var onTime, exception int
		err := sc.Scan(&t.MadeByID, &t.Team, &t.AccountID, &status, &onTime, &exception, &t.Count)
		t.Status, t.OnTime, t.Exception = promise.Status(status), onTime == 1, exception == 1
		return t, err
	})
}

// PendingFacts is a promise still to be kept with what a policy's rule
// reads of it, its account and its maker.
type PendingFacts struct {
	Promise     promise.Promise
	AccountName string
	AccountTier string
	MakerRole   string
}

// PendingPromiseFacts lists up to limit promises still to be kept, soonest
// due first, with their account's name and tier and their maker's role
// (promises_pending_due).
func (q q) PendingPromiseFacts(ctx context.Context, limit int) ([]PendingFacts, error) {
	rows, err := q.query(ctx, `SELECT p.id, p.account_id, p.kind, p.description, p.amount_minor, p.currency, p.due_at,
		a.name, a.tier, COALESCE(u.role, '')
		FROM promises p JOIN accounts a ON a.id = p.account_id LEFT JOIN users u ON u.id = p.made_by_id
		WHERE p.status IN ('open', 'overdue') ORDER BY p.due_at LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (PendingFacts, error) {
		var f PendingFacts
		var kind string
		var amount sql.NullInt64
		var currency sql.NullString
		var due int64
		err := sc.Scan(&f.Promise.ID, &f.Promise.AccountID, &kind, &f.Promise.Description, &amount, &currency, &due,
			&f.AccountName, &f.AccountTier, &f.MakerRole)
		f.Promise.Kind, f.Promise.DueAt = promise.Kind(kind), fromMS(due)
		if amount.Valid {
			f.Promise.Amount = &promise.Money{Minor: amount.Int64, Currency: currency.String}
		}
		return f, err
	})
}

// NotePolicyFault records that a policy's version was found faulty, and
// reports whether this is the first time (so the managers are told once).
func (tx *Tx) NotePolicyFault(ctx context.Context, policyID string, version int64, msg string, at time.Time) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO policy_faults (policy_id, version, error, told_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (policy_id, version) DO NOTHING`, policyID, version, msg, ms(at))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
