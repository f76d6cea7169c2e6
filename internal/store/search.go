package store

import (
	"context"
	"strings"

	"tandem/internal/cases"
	"tandem/internal/customer"
)

// SearchContacts lists up to limit contacts whose name holds term or
// whose email starts with it, by name.
func (q q) SearchContacts(ctx context.Context, term string, limit int) ([]customer.Contact, error) {
	term = strings.ToLower(strings.TrimSpace(term))
	if term == "" {
		return nil, nil
	}
	key := customer.NameKey(term)
	if key != "" {
		key = "%" + likeLiteral(key) + "%"
	}
	email := likeLiteral(term) + "%"
	rows, err := q.query(ctx, `SELECT `+contactCols+` FROM contacts
		WHERE ($1 <> '' AND name_key LIKE $1 ESCAPE '\') OR email_norm LIKE $2 ESCAPE '\' OR LOWER(email) LIKE $2 ESCAPE '\'
		ORDER BY name_key, id LIMIT $3`, key, email, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(sc interface{ Scan(...any) error }) (customer.Contact, error) { return scanContact(sc) })
}

// CaseByNumber returns the case with a number (#1042).
func (q q) CaseByNumber(ctx context.Context, n int64) (cases.Case, error) {
	c, err := scanCase(q.row(ctx, `SELECT `+caseCols+` FROM cases WHERE number = $1`, n))
	return c, notFound(err, "case")
}

// ContactNames returns the names of the contacts with the given ids.
func (q q) ContactNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var w where
	rows, err := q.query(ctx, `SELECT id, name FROM contacts WHERE id IN (`+placeholders(&w, ids)+`)`, w.args...)
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
