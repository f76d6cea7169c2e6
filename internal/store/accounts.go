package store

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"time"

	"tandem/internal/cases"
	"tandem/internal/customer"
	"tandem/internal/fault"
)

const accountCols = `id, name, kind, owner_id, tier, external_id, domain, phone, created_at, updated_at, version`

// scanAccount scans the account columns and then any extra columns.
func scanAccount(sc interface{ Scan(...any) error }, extra ...any) (customer.Account, error) {
	var a customer.Account
	var owner, ext sql.NullString
	var created, updated int64
	err := sc.Scan(append([]any{&a.ID, &a.Name, &a.Kind, &owner, &a.Tier, &ext, &a.Domain, &a.Phone, &created, &updated, &a.Version}, extra...)...)
	a.OwnerID, a.ExternalID = owner.String, ext.String
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, err
}

// Account returns an account by id.
func (q q) Account(ctx context.Context, id string) (customer.Account, error) {
	a, err := scanAccount(q.row(ctx, `SELECT `+accountCols+` FROM accounts WHERE id = $1`, id))
	return a, notFound(err, "account")
}

// AccountOwner returns the few fields of an account that writes about it
// need: its id, name and owner.
func (q q) AccountOwner(ctx context.Context, id string) (customer.Account, error) {
	var a customer.Account
	var owner sql.NullString
	err := q.row(ctx, `SELECT id, name, owner_id FROM accounts WHERE id = $1`, id).Scan(&a.ID, &a.Name, &owner)
	a.OwnerID = owner.String
	return a, notFound(err, "account")
}

// AccountFilter narrows the account list and chooses its order.
type AccountFilter struct {
	Q          string
	OwnerID    string
	ExternalID string
	Tier       string
	// Sort is the order of the list: by name (""), or by one of the
	// AccountSorts then by name; Desc reverses it.
	Sort string
	Desc bool
	// Tiers ranks the tiers, lowest first, for the tier order; Open are
	// the statuses of the cases counted for the open-cases order. The
	// app sets both; the store only applies them.
	Tiers []string
	Open  []cases.Status
}

// The orders of the account list besides by name.
const (
	SortName        = "name"
	SortTier        = "tier"
	SortLastContact = "last_contact"
	SortOpenCases   = "open_cases"
)

// AccountSorts are the orders the account list can be sorted in.
var AccountSorts = []string{SortName, SortTier, SortLastContact, SortOpenCases}

// AccountPage is one page of the account list: the accounts, the cursor
// of the next page and of the previous one ("" when there is none), and
// how many accounts match the filter in all.
type AccountPage struct {
	Accounts []customer.Account
	Next     string
	Prev     string
	Total    int
}

// Accounts lists accounts in the filter's order.
func (q q) Accounts(ctx context.Context, f AccountFilter, p Page) ([]customer.Account, string, error) {
	page, err := q.accountPage(ctx, f, p)
	return page.Accounts, page.Next, err
}

// AccountPage is a page of the account list with the previous page's
// cursor and the count of every account that matches.
func (q q) AccountPage(ctx context.Context, f AccountFilter, p Page) (AccountPage, error) {
	page, err := q.accountPage(ctx, f, p)
	if err != nil {
		return page, err
	}
	var w where
	accountConds(f, &w)
	err = q.row(ctx, `SELECT COUNT(*) FROM accounts`+w.String(), w.args...).Scan(&page.Total)
	return page, err
}

// accountConds adds the filter's conditions on the accounts table.
func accountConds(f AccountFilter, w *where) {
	if f.Q != "" {
		// What was typed is matched as it is: % and _ are not wildcards.
		// A term without letters or digits (a name key of "") names no name.
		term := strings.ToLower(strings.TrimSpace(f.Q))
		key := customer.NameKey(term)
		if key != "" {
			key = "%" + likeLiteral(key) + "%"
		}
		w.add(`((? <> '' AND name_key LIKE ? ESCAPE '\') OR domain LIKE ? ESCAPE '\' OR external_id = ?)`, key, key, likeLiteral(term)+"%", strings.TrimSpace(f.Q))
	}
	if f.OwnerID != "" {
		w.add("owner_id = ?", f.OwnerID)
	}
	if f.ExternalID != "" {
		w.add("external_id = ?", f.ExternalID)
	}
	if f.Tier != "" {
		w.add("tier = ?", f.Tier)
	}
}

// accountPage reads one page in the filter's order, keyset-paginated on
// (sort value, name key, id) (docs/adr/0017-sorting-the-account-list.md).
// A cursor that says back reads the page before it.
func (q q) accountPage(ctx context.Context, f AccountFilter, p Page) (AccountPage, error) {
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return AccountPage{}, err
	}
	var w where
	accountConds(f, &w)
	// The sort value of each account, as k.
	k := "0"
	switch f.Sort {
	case "", SortName:
	case SortTier:
		k = "CASE tier"
		for i, t := range f.Tiers {
			k += " WHEN " + w.next(t) + " THEN " + strconv.Itoa(i)
		}
		k += " ELSE -1 END"
	case SortLastContact:
		k = "COALESCE((SELECT MAX(i.occurred_at) FROM interactions i WHERE i.account_id = accounts.id), -1)"
	case SortOpenCases:
		k = "0"
		if len(f.Open) > 0 {
			k = "(SELECT COUNT(*) FROM cases c WHERE c.account_id = accounts.id AND c.status IN (" + placeholders(&w, f.Open) + "))"
		}
	default:
		return AccountPage{}, fault.New(fault.Invalid, "the account list cannot be sorted by %q", f.Sort)
	}
	keys := "k, name_key, id"
	if f.Sort == "" || f.Sort == SortName {
		keys = "name_key, id"
	}
	// Reading forward goes the list's way; reading back goes the other way
	// and turns the rows round.
	back := c != nil && c.Back
	up := f.Desc == back
	dir, cmp := "", ">"
	if !up {
		dir, cmp = " DESC", "<"
	}
	outer := where{args: w.args}
	if c != nil {
		if keys == "name_key, id" {
			outer.add("(name_key, id) "+cmp+" (?, ?)", c.S, c.ID)
		} else {
			outer.add("(k, name_key, id) "+cmp+" (?, ?, ?)", c.N, c.S, c.ID)
		}
	}
	order := strings.ReplaceAll(keys, ",", dir+",") + dir
	n := p.limit()
	limit := outer.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+accountCols+`, name_key, k FROM (SELECT `+accountCols+`, name_key, `+k+` AS k FROM accounts`+w.String()+`) AS t`+
		outer.String()+` ORDER BY `+order+` LIMIT `+limit, outer.args...)
	if err != nil {
		return AccountPage{}, err
	}
	defer rows.Close()
	var out []customer.Account
	var at []cursor
	for rows.Next() {
		var key string
		var kv int64
		a, err := scanAccount(rows, &key, &kv)
		if err != nil {
			return AccountPage{}, err
		}
		out = append(out, a)
		at = append(at, cursor{S: key, N: kv, ID: a.ID})
	}
	if err := rows.Err(); err != nil {
		return AccountPage{}, err
	}
	more := len(out) > n
	if more {
		out, at = out[:n], at[:n]
	}
	if back {
		if len(out) == 0 {
			// Nothing is before it any more: the first page.
			rows.Close()
			return q.accountPage(ctx, f, Page{Limit: p.Limit})
		}
		slices.Reverse(out)
		slices.Reverse(at)
	}
	page := AccountPage{Accounts: out}
	if len(out) == 0 {
		return page, nil
	}
	first, last := at[0], at[len(at)-1]
	first.Back = true
	switch {
	case back:
		page.Next = last.String() // the page it was read back from
		if more {
			page.Prev = first.String()
		}
	default:
		if more {
			page.Next = last.String()
		}
		if c != nil {
			page.Prev = first.String()
		}
	}
	return page, nil
}

// AccountCandidates returns accounts that share a key with k.
func (q q) AccountCandidates(ctx context.Context, k customer.AccountKeys) ([]customer.Account, error) {
	// Names that start like this one are scored for similarity by the caller.
	first := k.NameKey
	if r := []rune(first); len(r) > 3 {
		first = string(r[:3])
	}
	rows, err := q.query(ctx, `SELECT `+accountCols+` FROM accounts
		WHERE ($1 <> '' AND domain = $1) OR ($2 <> '' AND phone_e164 = $2) OR name_key = $3 OR ($4 <> '' AND name_key LIKE $4)
		ORDER BY name_key LIMIT 500`, k.Domain, k.PhoneE164, k.NameKey, likePrefix(first))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []customer.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// likeLiteral escapes s for a LIKE pattern with ESCAPE '\', so that it
// matches only itself.
func likeLiteral(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

func likePrefix(s string) string {
	if len(s) < 3 {
		return ""
	}
	return strings.NewReplacer("%", "", "_", "").Replace(s) + "%"
}

func externalID(a customer.Account) sql.NullString { return nullStr(a.ExternalID) }

// InsertAccount adds an account.
func (tx *Tx) InsertAccount(ctx context.Context, a customer.Account, k customer.AccountKeys) error {
	_, err := tx.exec(ctx, `INSERT INTO accounts (id, name, name_key, kind, owner_id, tier, external_id, domain, phone, phone_e164, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1)`,
		a.ID, a.Name, k.NameKey, a.Kind, nullStr(a.OwnerID), a.Tier, externalID(a), a.Domain, a.Phone, k.PhoneE164, ms(a.CreatedAt), ms(a.UpdatedAt))
	return externalConflict(err)
}

func externalConflict(err error) error {
	if IsUnique(err) {
		return &fault.Error{Kind: fault.Conflict, Message: "another account already has this external id",
			Fields: []fault.FieldError{{Field: "external_id", Message: "external ids must be unique"}}}
	}
	return err
}

// UpdateAccount writes an account if its version is still expected; the
// stored version becomes expected+1.
func (tx *Tx) UpdateAccount(ctx context.Context, a customer.Account, k customer.AccountKeys, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE accounts SET name = $1, name_key = $2, kind = $3, owner_id = $4, tier = $5, external_id = $6,
		domain = $7, phone = $8, phone_e164 = $9, updated_at = $10, version = version + 1 WHERE id = $11 AND version = $12`,
		a.Name, k.NameKey, a.Kind, nullStr(a.OwnerID), a.Tier, externalID(a), a.Domain, a.Phone, k.PhoneE164, ms(a.UpdatedAt), a.ID, expected)
	if err != nil {
		return externalConflict(err)
	}
	return staleUnlessOne(res, "account")
}

func staleUnlessOne(res sql.Result, what string) error {
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fault.StaleVersion(what)
	}
	return nil
}

// DeleteAccount removes an account and what belongs only to it; its
// events stay, as the audit trail.
func (tx *Tx) DeleteAccount(ctx context.Context, id string) error {
	for _, stmt := range []string{
		`DELETE FROM promises WHERE account_id = $1`,
		`DELETE FROM deals WHERE account_id = $1`,
		`DELETE FROM tasks WHERE account_id = $1`,
		`DELETE FROM interactions WHERE account_id = $1`,
		`DELETE FROM contacts WHERE account_id = $1`,
		`DELETE FROM accounts WHERE id = $1`,
	} {
		if _, err := tx.exec(ctx, stmt, id); err != nil {
			return err
		}
	}
	return nil
}

// MoveAccount moves everything of account from into account into.
func (tx *Tx) MoveAccount(ctx context.Context, from, into string) error {
	for _, stmt := range []string{
		`UPDATE contacts SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE interactions SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE cases SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE promises SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE goodwill SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE deals SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE tasks SET account_id = $2, version = version + 1 WHERE account_id = $1`,
		`UPDATE notifications SET account_id = $2 WHERE account_id = $1`,
		`UPDATE emails SET account_id = $2 WHERE account_id = $1`,
		`UPDATE events SET account_id = $2 WHERE account_id = $1`,
	} {
		if _, err := tx.exec(ctx, stmt, from, into); err != nil {
			return err
		}
	}
	return nil
}

// CountAccounts counts accounts.
func (q q) CountAccounts(ctx context.Context) (int, error) {
	var n int
	err := q.row(ctx, `SELECT COUNT(*) FROM accounts`).Scan(&n)
	return n, err
}

const contactCols = `id, account_id, name, email, phone, title, created_at, updated_at, version`

// scanContact scans the contact columns and then any extra columns.
func scanContact(sc interface{ Scan(...any) error }, extra ...any) (customer.Contact, error) {
	var c customer.Contact
	var created, updated int64
	err := sc.Scan(append([]any{&c.ID, &c.AccountID, &c.Name, &c.Email, &c.Phone, &c.Title, &created, &updated, &c.Version}, extra...)...)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return c, err
}

// Contact returns a contact by id.
func (q q) Contact(ctx context.Context, id string) (customer.Contact, error) {
	c, err := scanContact(q.row(ctx, `SELECT `+contactCols+` FROM contacts WHERE id = $1`, id))
	return c, notFound(err, "contact")
}

// Contacts lists contacts, of one account when accountID is set.
func (q q) Contacts(ctx context.Context, accountID string, p Page) ([]customer.Contact, string, error) {
	var w where
	if accountID != "" {
		w.add("account_id = ?", accountID)
	}
	c, err := parseCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	if c != nil {
		w.add("(name_key, id) > (?, ?)", c.S, c.ID)
	}
	n := p.limit()
	limit := w.next(n + 1)
	rows, err := q.query(ctx, `SELECT `+contactCols+`, name_key FROM contacts`+w.String()+` ORDER BY name_key, id LIMIT `+limit, w.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []customer.Contact
	var keys []string
	for rows.Next() {
		var key string
		c, err := scanContact(rows, &key)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
		keys = append(keys, key)
	}
	next := ""
	if len(out) > n {
		out = out[:n]
		next = cursor{S: keys[n-1], ID: out[n-1].ID}.String()
	}
	return out, next, rows.Err()
}

// ContactCandidates returns contacts that share a key with k.
func (q q) ContactCandidates(ctx context.Context, k customer.ContactKeys) ([]customer.Contact, []customer.ContactKeys, error) {
	rows, err := q.query(ctx, `SELECT `+contactCols+`, name_key, email_norm, phone_e164 FROM contacts
		WHERE ($1 <> '' AND email_norm = $1) OR ($2 <> '' AND phone_e164 = $2) OR account_id = $3
		ORDER BY name_key LIMIT 200`, k.Email, k.PhoneE164, k.AccountID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []customer.Contact
	var keys []customer.ContactKeys
	for rows.Next() {
		var ck customer.ContactKeys
		c, err := scanContact(rows, &ck.NameKey, &ck.Email, &ck.PhoneE164)
		if err != nil {
			return nil, nil, err
		}
		ck.AccountID = c.AccountID
		out = append(out, c)
		keys = append(keys, ck)
	}
	return out, keys, rows.Err()
}

// InsertContact adds a contact.
func (tx *Tx) InsertContact(ctx context.Context, c customer.Contact, k customer.ContactKeys) error {
	_, err := tx.exec(ctx, `INSERT INTO contacts (id, account_id, name, name_key, email, email_norm, phone, phone_e164, title, created_at, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
		c.ID, c.AccountID, c.Name, k.NameKey, c.Email, k.Email, c.Phone, k.PhoneE164, c.Title, ms(c.CreatedAt), ms(c.UpdatedAt))
	return err
}

// UpdateContact writes a contact if its version is still expected.
func (tx *Tx) UpdateContact(ctx context.Context, c customer.Contact, k customer.ContactKeys, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE contacts SET account_id = $1, name = $2, name_key = $3, email = $4, email_norm = $5, phone = $6,
		phone_e164 = $7, title = $8, updated_at = $9, version = version + 1 WHERE id = $10 AND version = $11`,
		c.AccountID, c.Name, k.NameKey, c.Email, k.Email, c.Phone, k.PhoneE164, c.Title, ms(c.UpdatedAt), c.ID, expected)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "contact")
}

// DeleteContact removes a contact; interactions with them keep their account.
func (tx *Tx) DeleteContact(ctx context.Context, id string) error {
	if _, err := tx.exec(ctx, `UPDATE interactions SET contact_id = NULL WHERE contact_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `DELETE FROM contacts WHERE id = $1`, id)
	return err
}

// AccountNames returns the names of the accounts with the given ids.
func (q q) AccountNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	rows, err := q.query(ctx, `SELECT id, name FROM accounts WHERE id IN (`+placeholders(&w, ids)+`)`, w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, rows.Err()
}

// Activity is how lively an account is: when someone last talked with it,
// and how many of its cases are still being worked on.
type Activity struct {
	LastTouchAt time.Time // zero: never
	OpenCases   int
}

// AccountActivity returns the activity of the accounts with ids, counting
// the cases in the open statuses.
func (q q) AccountActivity(ctx context.Context, ids []string, open []cases.Status) (map[string]Activity, error) {
	out := map[string]Activity{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	rows, err := q.query(ctx, `SELECT account_id, MAX(occurred_at) FROM interactions WHERE account_id IN (`+placeholders(&w, ids)+`) GROUP BY account_id`, w.args...)
	if err != nil {
		return nil, err
	}
	touched, err := collect(rows, scanCount)
	if err != nil {
		return nil, err
	}
	for _, t := range touched {
		out[t.id] = Activity{LastTouchAt: fromMS(t.n)}
	}
	var c where
	accounts := placeholders(&c, ids)
	rows, err = q.query(ctx, `SELECT account_id, COUNT(*) FROM cases WHERE account_id IN (`+accounts+`) AND status IN (`+placeholders(&c, open)+`) GROUP BY account_id`, c.args...)
	if err != nil {
		return nil, err
	}
	counted, err := collect(rows, scanCount)
	for _, n := range counted {
		a := out[n.id]
		a.OpenCases = int(n.n)
		out[n.id] = a
	}
	return out, err
}

// idCount is a row of an (id, number) query.
type idCount struct {
	id string
	n  int64
}

func scanCount(sc interface{ Scan(...any) error }) (idCount, error) {
	var c idCount
	err := sc.Scan(&c.id, &c.n)
	return c, err
}
