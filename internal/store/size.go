package store

import (
	"context"
	"sort"
)

// TableSize is the space one table or index takes on disk.
type TableSize struct {
	Name  string
	Bytes int64
}

// Sizes lists the space each of Tandem's tables and indexes takes, largest
// first (SQLite: dbstat; PostgreSQL: the relations of the current schema).
func (s *Store) Sizes(ctx context.Context) ([]TableSize, error) {
	query := `SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`
	if s.engine == Postgres {
		query = `SELECT c.relname, pg_relation_size(c.oid) + COALESCE(pg_relation_size(c.reltoastrelid), 0)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i')`
	}
	rows, err := s.query(ctx, query)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, func(sc interface{ Scan(...any) error }) (TableSize, error) {
		var t TableSize
		return t, sc.Scan(&t.Name, &t.Bytes)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out, err
}
