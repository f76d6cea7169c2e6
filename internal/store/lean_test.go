package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"tandem/internal/store"
	"tandem/internal/store/storetest"
)

const bookV9 = "testdata/book-v9/rows.json.gz"

// raw opens a book's database without the store, as it is on disk.
func raw(t *testing.T, dir, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if url == "" {
		driver, dsn = "sqlite", "file:"+filepath.Join(dir, "tandem.db")
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// dump is every row of Tandem's tables, in order, as text.
func dump(t *testing.T, db *sql.DB, engine string) []string {
	t.Helper()
	list := `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'river_%'`
	if engine == store.Postgres {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'river_%'`
	}
	rows, err := db.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	slices.Sort(tables)
	var out []string
	for _, tb := range tables {
		rows, err := db.Query(`SELECT * FROM ` + tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, tb+fmt.Sprintf("%q", vals))
		}
		rows.Close()
		slices.Sort(lines)
		out = append(out, lines...)
	}
	return out
}

// TestLeanMigration: a book written by schema 9 is rewritten (ids as bytes
// on SQLite, logged interactions referencing their rows, edits holding what
// changed), and running the migration again changes nothing.
func TestLeanMigration(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dir, url := storetest.Book(t, engine, 9, storetest.Rows(bookV9))
			db := raw(t, dir, url)
			var bytesBefore int64
			if err := db.QueryRow(`SELECT SUM(LENGTH(COALESCE(before_json, '')) + LENGTH(COALESCE(after_json, ''))) FROM events`).Scan(&bytesBefore); err != nil {
				t.Fatal(err)
			}
			s, err := store.Open(ctx, dir, url)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var referenced, bytesAfter int64
			if err := db.QueryRow(`SELECT COUNT(*) FROM events WHERE kind = 'interaction.logged' AND after_json IS NULL`).Scan(&referenced); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT SUM(LENGTH(COALESCE(before_json, '')) + LENGTH(COALESCE(after_json, ''))) FROM events`).Scan(&bytesAfter); err != nil {
				t.Fatal(err)
			}
			if referenced < 380 || bytesAfter > bytesBefore/3 {
				t.Errorf("%d logged interactions reference their rows; snapshots went from %d to %d bytes", referenced, bytesBefore, bytesAfter)
			}
			if engine == store.SQLite {
				var text int
				for _, col := range []string{"accounts.id", "interactions.account_id", "events.subject_id", "cases.contact_id", "contacts.account_id"} {
					tb, c, _ := strings.Cut(col, ".")
					if err := db.QueryRow(`SELECT COUNT(*) FROM ` + tb + ` WHERE typeof(` + c + `) = 'text' AND length(` + c + `) = 36`).Scan(&text); err != nil {
						t.Fatal(err)
					}
					if text > 0 {
						t.Errorf("%d values of %s are still text", text, col)
					}
				}
			}
			once := dump(t, db, engine)
			if err := s.RunLean(ctx); err != nil {
				t.Fatal(err)
			}
			if twice := dump(t, db, engine); !slices.Equal(once, twice) {
				t.Error("running the migration again changed the book")
			}
		})
	}
}

// TestLeanMigrationStopsAtABadRow: an event it cannot rewrite stops the
// migration with the event's id, and the book is as it was.
func TestLeanMigrationStopsAtABadRow(t *testing.T) {
	for _, engine := range []string{store.SQLite, store.Postgres} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			var id string
			dir, url := storetest.Book(t, engine, 9, func(db *sql.DB) error {
				if err := storetest.Rows(bookV9)(db); err != nil {
					return err
				}
				if err := db.QueryRow(`SELECT id FROM events WHERE kind = 'interaction.updated' ORDER BY id LIMIT 1`).Scan(&id); err != nil {
					return err
				}
				_, err := db.Exec(`UPDATE events SET before_json = '{"summary": "cut sho' WHERE id = $1`, id)
				return err
			})
			db := raw(t, dir, url)
			before := dump(t, db, engine)
			s, err := store.Open(ctx, dir, url)
			if err == nil {
				s.Close()
				t.Fatal("a book with a broken event opened")
			}
			if !strings.Contains(err.Error(), id) {
				t.Errorf("the error does not name the event %s: %v", id, err)
			}
			if after := dump(t, db, engine); !slices.Equal(before, after) {
				t.Error("the failed migration changed the book")
			}
		})
	}
}
