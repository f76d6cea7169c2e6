package store

import (
	"context"
	"database/sql"

	"tandem/internal/rules"
)

const servicePolicyCols = `id, name, statement, rule, severity, effective_from, effective_to, active, updated_by_id, created_at, updated_at, version`

func scanServicePolicy(sc interface{ Scan(...any) error }) (rules.Policy, error) {
	var p rules.Policy
	var from, created, updated int64
	var to sql.NullInt64
	var active int
	var by sql.NullString
	err := sc.Scan(&p.ID, &p.Name, &p.Statement, &p.Rule, &p.Severity, &from, &to, &active, &by, &created, &updated, &p.Version)
	p.EffectiveFrom, p.EffectiveTo, p.Active, p.UpdatedByID = fromMS(from), fromNullMS(to), active == 1, by.String
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return p, err
}

func servicePolicyArgs(p rules.Policy) []any {
	var by sql.NullString
	if p.UpdatedByID != "" {
		by = sql.NullString{String: p.UpdatedByID, Valid: true}
	}
	return []any{p.ID, p.Name, p.Statement, p.Rule, p.Severity, ms(p.EffectiveFrom), nullMS(p.EffectiveTo), boolInt(p.Active), by,
		ms(p.CreatedAt), ms(p.UpdatedAt)}
}

// InsertServicePolicy adds a service policy at version 1.
func (tx *Tx) InsertServicePolicy(ctx context.Context, p rules.Policy) error {
	_, err := tx.exec(ctx, `INSERT INTO service_policies (`+servicePolicyCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1)`,
		servicePolicyArgs(p)...)
	return err
}

// UpdateServicePolicy writes a service policy if its version is still expected.
func (tx *Tx) UpdateServicePolicy(ctx context.Context, p rules.Policy, expected int64) error {
	res, err := tx.exec(ctx, `UPDATE service_policies SET name = $2, statement = $3, rule = $4, severity = $5, effective_from = $6,
		effective_to = $7, active = $8, updated_by_id = $9, created_at = $10, updated_at = $11, version = version + 1
		WHERE id = $1 AND version = $12`, append(servicePolicyArgs(p), expected)...)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "policy")
}

// ServicePolicy returns one service policy.
func (q q) ServicePolicy(ctx context.Context, id string) (rules.Policy, error) {
	p, err := scanServicePolicy(q.row(ctx, `SELECT `+servicePolicyCols+` FROM service_policies WHERE id = $1`, id))
	return p, notFound(err, "policy")
}

// ServicePolicies lists the service policies by name; removed ones only
// when asked.
func (q q) ServicePolicies(ctx context.Context, withRemoved bool) ([]rules.Policy, error) {
	query := `SELECT ` + servicePolicyCols + ` FROM service_policies WHERE active = 1 ORDER BY name, id`
	if withRemoved {
		query = `SELECT ` + servicePolicyCols + ` FROM service_policies ORDER BY active DESC, name, id`
	}
	rows, err := q.query(ctx, query)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanServicePolicy)
}

// ActiveUsersWithRole lists the ids of the active users of a role.
func (q q) ActiveUsersWithRole(ctx context.Context, role string) ([]string, error) {
	rows, err := q.query(ctx, `SELECT id FROM users WHERE role = $1 AND active = 1 ORDER BY id`, role)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanString)
}
