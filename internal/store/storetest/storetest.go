// Package storetest opens fresh stores on every engine for tests: SQLite in
// a temporary directory, and PostgreSQL in a new schema of the database named
// by TANDEM_TEST_POSTGRES. Under CI=true a missing PostgreSQL is a failure.
package storetest

import (
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"tandem/internal/store"
)

// Engines runs fn once per engine, as subtests named after the engine.
func Engines(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run(store.SQLite, func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run(store.Postgres, func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a store in a temporary directory.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// PostgresURL returns a URL of a fresh schema, dropped when the test ends.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("TANDEM_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TANDEM_TEST_POSTGRES is not set; CI must test PostgreSQL")
		}
		t.Skip("TANDEM_TEST_POSTGRES is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres opens a store in a fresh schema.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), "", PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Book prepares, on engine, a database of the schema at version filled by
// fill (through a plain connection, as an older release wrote it), and
// returns the data directory and URL to open it with store.Open.
func Book(t testing.TB, engine string, version int64, fill func(db *sql.DB) error) (dataDir, dbURL string) {
	t.Helper()
	driver, dsn := "pgx", ""
	if engine == store.Postgres {
		dbURL = PostgresURL(t)
		dsn = dbURL
	} else {
		dataDir = t.TempDir()
		driver, dsn = "sqlite", "file:"+filepath.Join(dataDir, "tandem.db")
	}
	if err := store.MigrateTo(context.Background(), dataDir, dbURL, version); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := fill(db); err != nil {
		t.Fatal(err)
	}
	return dataDir, dbURL
}

// Rows fills a database with the rows of a fixture: a gzipped JSON list of
// tables, each {"name", "columns", "rows"}, in an order that inserts every
// parent before its children; a {"blob": base64} value is bytes.
func Rows(path string) func(db *sql.DB) error {
	return func(db *sql.DB) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(zr)
		dec.UseNumber()
		var tables []struct {
			Name    string
			Columns []string
			Rows    [][]any
		}
		if err := dec.Decode(&tables); err != nil {
			return err
		}
		for i := range tables { // what the migrations wrote gives way to the fixture
			if _, err := db.Exec("DELETE FROM " + tables[len(tables)-1-i].Name); err != nil {
				return err
			}
		}
		for _, tb := range tables {
			marks := make([]string, len(tb.Columns))
			for i := range marks {
				marks[i] = "$" + strconv.Itoa(i+1)
			}
			insert := "INSERT INTO " + tb.Name + " (" + strings.Join(tb.Columns, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
			for _, row := range tb.Rows {
				for i, v := range row {
					switch v := v.(type) {
					case json.Number:
						row[i], err = v.Int64()
					case map[string]any:
						row[i], err = base64.StdEncoding.DecodeString(v["blob"].(string))
					}
					if err != nil {
						return err
					}
				}
				if _, err := db.Exec(insert, row...); err != nil {
					return fmt.Errorf("%s: %w", tb.Name, err)
				}
			}
		}
		return nil
	}
}

// BulkPromises adds perAccount open promises to each account, made by
// makerID, due one after another from firstDue every step, in few
// statements (a generated series per account): a benchmark's book of
// promises in seconds, not through the app. Their ids are not UUIDs.
func BulkPromises(tb testing.TB, s *store.Store, accountIDs []string, makerID string, perAccount int, firstDue time.Time, step time.Duration) {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UnixMilli()
	const q = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
		INSERT INTO promises (id, account_id, made_by_id, made_at, kind, description, due_at, status, check_at, created_at, updated_at, team)
		SELECT CAST($2 AS TEXT) || CAST(i AS TEXT), $3, $4, $5, 'callback', 'A call back about the order', $6 + i * $7, 'open', $6 + i * $7, $5, $5, 'sales'
		FROM n`
	stepMS := step.Milliseconds()
	for start := 0; start < len(accountIDs); start += 500 {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for k := start; k < min(start+500, len(accountIDs)); k++ {
				first := firstDue.UnixMilli() + int64(k)*stepMS
				if _, err := tx.SQL().ExecContext(ctx, q, perAccount, fmt.Sprintf("bulk-%d-", k), accountIDs[k], makerID, now, first,
					stepMS*int64(len(accountIDs))); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}
