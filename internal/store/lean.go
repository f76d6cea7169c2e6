package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/pressly/goose/v3"

	"modernc.org/sqlite"

	"tandem/internal/event"
	"tandem/internal/fault"
)

// leanVersion is the migration that rewrites a book written before ids were
// bytes on SQLite (docs/adr/0016-compact-ids.md) and before events held
// only what changed (docs/adr/0015-events-say-what-changed.md).
const leanVersion = 10

// leanBatch is how many rows one transaction of the migration rewrites:
// small enough that none holds the writer for long (tens of milliseconds
// here), large enough that a book of millions takes a minute or two.
const leanBatch = 2000

func leanMigration() *goose.Migration {
	return goose.NewGoMigration(leanVersion, &goose.GoFunc{RunDB: lean}, nil)
}

// lean runs migration 10. It first reads every event and stops, having
// changed nothing, at the first it could not rewrite; then it rewrites the
// book in batches, each its own transaction, logging its progress. Every
// step leaves alone what is already in the new shape, so a migration cut
// short runs again from the start and running it twice changes nothing.
func lean(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	sqlite := false
	if err := conn.Raw(func(c any) error { _, sqlite = c.(idConn); return nil }); err != nil {
		return err
	}
	m := &migration{conn: conn, sqlite: sqlite, log: slog.Default().With("migration", leanVersion)}
	if err := m.check(ctx); err != nil {
		return err
	}
	// The changes to a record after it was created, newest first: what
	// reads back a logged interaction as it was logged. Creations hold no
	// earlier values, so only edits and removals are in the index.
	if _, err := conn.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS events_changes ON events (subject_id, id) WHERE before_json IS NOT NULL`); err != nil {
		return err
	}
	if sqlite {
		if err := m.compactIDs(ctx); err != nil {
			return err
		}
	}
	return m.leanEvents(ctx)
}

type migration struct {
	conn   *sql.Conn
	sqlite bool
	log    *slog.Logger
}

// batches calls fn in one transaction per batch of rows of table, in the
// order of key (an integer rowid on SQLite, the id on PostgreSQL: neither
// changes under the migration), until fn says the table is done.
func (m *migration) batches(ctx context.Context, table string, fn func(q q, after any) (last any, n int, err error)) error {
	var after any = int64(0)
	if !m.sqlite {
		after = ""
	}
	total, done := 0, 0
	if err := m.conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&total); err != nil {
		return err
	}
	for {
		tx, err := m.conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		last, n, err := fn(q{db: tx, sqlite: m.sqlite, tx: tx}, after)
		if err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		done += n
		if total > leanBatch { // a book worth saying so
			m.log.Info("rewriting the book", "table", table, "rows", done, "of", total)
		}
		after = last
	}
}

// keyCol is the column batches walk.
func (m *migration) keyCol() string {
	if m.sqlite {
		return "rowid"
	}
	return "id"
}

// check reads every event and names the first whose snapshots are not JSON.
func (m *migration) check(ctx context.Context) error {
	return m.batches(ctx, "events", func(q q, after any) (any, int, error) {
		rows, err := q.query(ctx, `SELECT `+m.keyCol()+`, id, before_json, after_json FROM events WHERE `+m.keyCol()+` > $1 ORDER BY `+m.keyCol()+` LIMIT $2`,
			after, leanBatch)
		if err != nil {
			return nil, 0, err
		}
		defer rows.Close()
		var last any
		n := 0
		for rows.Next() {
			var id string
			var before, after sql.NullString
			if err := rows.Scan(&last, &id, &before, &after); err != nil {
				return nil, 0, err
			}
			for _, s := range []sql.NullString{before, after} {
				if s.Valid && !json.Valid([]byte(s.String)) {
					return nil, 0, fmt.Errorf("event %s cannot be rewritten: its snapshot is not JSON; nothing was changed", id)
				}
			}
			n++
		}
		return last, n, rows.Err()
	})
}

// compactIDs rewrites every id of Tandem's tables as its 16 bytes.
// Foreign keys are checked once at the end rather than row by row, since
// a parent and its children cannot change in the same statement.
func (m *migration) compactIDs(ctx context.Context) error {
	var tables []string
	rows, err := m.conn.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
		AND name NOT LIKE 'river_%' AND name <> 'goose_db_version' ORDER BY name`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, name)
	}
	rows.Close()
	if _, err := m.conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer m.conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`)
	for _, t := range tables {
		var sets []string
		cols, err := m.conn.QueryContext(ctx, `SELECT name, type FROM pragma_table_info($1)`, t)
		if err != nil {
			return err
		}
		for cols.Next() {
			var name, typ string
			if err := cols.Scan(&name, &typ); err != nil {
				cols.Close()
				return err
			}
			if strings.EqualFold(typ, "TEXT") {
				sets = append(sets, name+" = tandem_id("+name+")")
			}
		}
		cols.Close()
		if len(sets) == 0 {
			continue
		}
		var top int64
		if err := m.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(rowid), 0) FROM `+t).Scan(&top); err != nil {
			return err
		}
		err = m.batches(ctx, t, func(q q, after any) (any, int, error) {
			from := after.(int64)
			if from >= top {
				return nil, 0, nil
			}
			res, err := q.exec(ctx, `UPDATE `+t+` SET `+strings.Join(sets, ", ")+` WHERE rowid > $1 AND rowid <= $2`, from, from+leanBatch)
			if err != nil {
				return nil, 0, err
			}
			n, _ := res.RowsAffected()
			return from + leanBatch, max(int(n), 1), nil
		})
		if err != nil {
			return fmt.Errorf("compacting the ids of %s: %w", t, err)
		}
	}
	var bad int
	if err := m.conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_foreign_key_check`).Scan(&bad); err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("compacting ids left %d rows whose references do not resolve", bad)
	}
	return nil
}

// leanEvents rewrites events in the shape of ADR 0015: an update holds
// what changed, and a logged interaction references its row, where the
// row and the changes since give back exactly what the event holds (an
// interaction moved by a merge, say, keeps its copy).
func (m *migration) leanEvents(ctx context.Context) error {
	return m.batches(ctx, "events", func(q q, after any) (any, int, error) {
		rows, err := q.query(ctx, `SELECT `+eventCols+`, `+m.keyCol()+` FROM events WHERE `+m.keyCol()+` > $1 ORDER BY `+m.keyCol()+` LIMIT $2`,
			after, leanBatch)
		if err != nil {
			return nil, 0, err
		}
		var last any
		var evs []event.Event
		for rows.Next() {
			var e event.Event
			var err error
			if e, err = scanEventWith(rows, &last); err != nil {
				rows.Close()
				return nil, 0, err
			}
			evs = append(evs, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
		for _, e := range evs {
			var before, after json.RawMessage
			switch {
			case e.Kind == "interaction.logged" && e.After != nil:
				rebuilt, err := q.AsLogged(ctx, e)
				if err != nil {
					return nil, 0, fmt.Errorf("event %s: %w", e.ID, err)
				}
				if !event.Same(e.After, rebuilt) {
					continue
				}
				before = e.Before
			case e.Before != nil && e.After != nil:
				before, after = event.Changed(e.Before, e.After)
				if string(before) == string(e.Before) && string(after) == string(e.After) {
					continue
				}
			default:
				continue
			}
			if _, err := q.exec(ctx, `UPDATE events SET before_json = $1, after_json = $2 WHERE id = $3`, rawJSON(before), rawJSON(after), e.ID); err != nil {
				return nil, 0, err
			}
		}
		return last, len(evs), nil
	})
}

// AsLogged is a logged interaction as it was logged: its row now, or as
// it was removed, with every later change undone (docs/adr/0015).
func (q q) AsLogged(ctx context.Context, e event.Event) (json.RawMessage, error) {
	var now json.RawMessage
	i, err := q.Interaction(ctx, e.SubjectID)
	switch {
	case err == nil:
		now = event.Snapshot(i)
	case fault.KindOf(err) != fault.NotFound:
		return nil, err
	}
	since, err := q.ChangesOf(ctx, e.SubjectID, e.ID)
	if err != nil {
		return nil, err
	}
	return event.AsCreated(now, since)
}

// tandemID is the SQL function tandem_id(x): a canonical UUID as its 16
// bytes, anything else as it is.
func tandemID(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if s, ok := args[0].(string); ok {
		if b, ok := uuidBytes(s); ok {
			return b, nil
		}
	}
	return args[0], nil
}
