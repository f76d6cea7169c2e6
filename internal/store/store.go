// Package store is the only package that speaks SQL. The same SQL runs on
// SQLite (embedded, the default) and PostgreSQL; queries are written with
// PostgreSQL's $N placeholders and rewritten to ?N for SQLite.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // SQLite driver "sqlite", wrapped by sqliteDriver
)

//go:embed migrations
var migrations embed.FS

// Engine names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Store holds the database handles: one writer and a pool of readers.
type Store struct {
	q
	engine      string
	writer      *sql.DB
	reader      *sql.DB
	writerStmts *stmtCache
	group       *group // SQLite: one writer, commits shared by waiting callers
	jobs        *sql.DB
	stop        chan struct{} // SQLite: ends the checkpointer
	stopped     chan struct{}
}

// dbtx is what both *sql.DB and *sql.Tx offer.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// q runs queries on a handle, rewriting placeholders for the engine.
type q struct {
	db     dbtx
	sqlite bool
	stmts  *stmtCache // SQLite only: pgx caches prepared statements itself
	tx     *sql.Tx    // set inside a transaction
}

// stmtCache keeps prepared statements, since parsing SQL is a large part
// of a short SQLite query.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

const maxCachedStmts = 500

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

func (c *stmtCache) get(ctx context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m) >= maxCachedStmts {
		return nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	c.m[query] = st
	return st
}

// stmt returns a cached prepared statement for query, or nil.
func (q q) stmt(ctx context.Context, query string) *sql.Stmt {
	if q.stmts == nil {
		return nil
	}
	st := q.stmts.get(ctx, query)
	if st != nil && q.tx != nil {
		st = q.tx.StmtContext(ctx, st)
	}
	return st
}

var placeholder = regexp.MustCompile(`\$(\d+)`)
var rebound sync.Map

// rebind rewrites $N to ?N for SQLite. modernc binds $N by number but other
// drivers bind by order of appearance; ?N means the same everywhere.
func (q q) rebind(query string) string {
	if !q.sqlite {
		return query
	}
	if r, ok := rebound.Load(query); ok {
		return r.(string)
	}
	r := placeholder.ReplaceAllString(query, "?$1")
	rebound.Store(query, r)
	return r
}

// txKey carries, in a context, the transaction that the store calls made
// with it join (see Idempotent).
type txKey struct{}

func withTx(ctx context.Context, tx *Tx) context.Context { return context.WithValue(ctx, txKey{}, tx) }

// joined is q, or the transaction ctx carries when q is outside one: reads
// inside it see what it wrote.
func (q q) joined(ctx context.Context) q {
	if q.tx == nil {
		if tx, ok := ctx.Value(txKey{}).(*Tx); ok {
			return tx.q
		}
	}
	return q
}

// prepare readies a statement: placeholders for the engine, and on SQLite
// inside a transaction a context that cannot interrupt it (see Tx.Detach).
func (q q) prepare(ctx context.Context, query string) (context.Context, string) {
	if q.sqlite && q.tx != nil {
		ctx = context.WithoutCancel(ctx)
	}
	return ctx, q.rebind(query)
}

func (q q) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q = q.joined(ctx)
	ctx, query = q.prepare(ctx, query)
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return q.db.ExecContext(ctx, query, args...)
}

func (q q) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q = q.joined(ctx)
	ctx, query = q.prepare(ctx, query)
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return q.db.QueryContext(ctx, query, args...)
}

func (q q) row(ctx context.Context, query string, args ...any) *sql.Row {
	q = q.joined(ctx)
	ctx, query = q.prepare(ctx, query)
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return q.db.QueryRowContext(ctx, query, args...)
}

// collect scans every row of rows with scan, then closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Open connects to PostgreSQL when dbURL is set, otherwise to SQLite in
// dataDir, and runs the migrations.
func Open(ctx context.Context, dataDir, dbURL string) (*Store, error) {
	var s *Store
	var err error
	if dbURL != "" {
		s, err = openPostgres(dbURL)
	} else {
		s, err = openSQLite(dataDir)
	}
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.Optimize(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("analysing the database: %w", err)
	}
	return s, nil
}

func openPostgres(url string) (*Store, error) {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return nil, fmt.Errorf("--db must be a postgres:// URL")
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &Store{q: q{db: db}, engine: Postgres, writer: db, reader: db, jobs: db}, nil
}

func openSQLite(dir string) (*Store, error) {
	if dir == "" {
		dir = "tandem-data"
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create the data directory: %w", err)
	}
	path := filepath.Join(dir, "tandem.db")
	if err := create(path); err != nil {
		return nil, err
	}
	pragmas := "_pragma=temp_store(MEMORY)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	// The writer never checkpoints: that would stall every writer behind
	// it. A goroutine of the store does (see checkpoint).
	writer, err := sql.Open(sqliteDriver, "file:"+path+"?_txlock=immediate&_pragma=wal_autocheckpoint(0)&"+pragmas)
	if err != nil {
		return nil, err
	}
	// Transactions are serialised by the group committer, not by SQLite's
	// busy handler; the second connection only prepares statements for the
	// cache.
	writer.SetMaxOpenConns(2)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	// The writer creates the file and switches it to WAL before readers open it.
	if err := writer.Ping(); err != nil {
		writer.Close()
		return nil, fmt.Errorf("cannot open %s: %w", path, err)
	}
	reader, err := sql.Open(sqliteDriver, "file:"+path+"?_pragma=query_only(1)&"+pragmas)
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(8)
	reader.SetMaxIdleConns(8)
	jobs, err := sql.Open(sqliteDriver, "file:"+path+"?_txlock=immediate&"+pragmas)
	if err != nil {
		writer.Close()
		reader.Close()
		return nil, err
	}
	jobs.SetMaxOpenConns(4)
	st := &Store{q: q{db: reader, sqlite: true, stmts: newStmtCache(reader)}, engine: SQLite, writer: writer, reader: reader,
		writerStmts: newStmtCache(writer), jobs: jobs}
	st.group = &group{s: st}
	st.stop, st.stopped = make(chan struct{}), make(chan struct{})
	go st.checkpoint()
	return st, nil
}

// pageSize is the page size of a new SQLite database. Most of Tandem's
// writes are small rows with several index entries, each dirtying a page
// that the write-ahead log then carries whole: a quarter of SQLite's
// default page is about half the bytes written (docs/adr/0008-writing-sqlite.md).
const pageSize = 4096

// create makes a new database file with Tandem's page size, which is fixed
// once a database is in WAL mode.
func create(path string) error {
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil // there already, or the open that follows says why not
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err = db.Exec(fmt.Sprintf(`PRAGMA page_size = %d; PRAGMA journal_mode = WAL`, pageSize)); err != nil {
		return fmt.Errorf("cannot create %s: %w", path, err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	p, err := provider(s.engine, s.writer)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating the database: %w", err)
	}
	return nil
}

func provider(engine string, db *sql.DB) (*goose.Provider, error) {
	dialect, dir := goose.DialectPostgres, "migrations/postgres"
	if engine == SQLite {
		dialect, dir = goose.DialectSQLite3, "migrations/sqlite"
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(dialect, db, sub, goose.WithGoMigrations(leanMigration()))
}

// MigrateTo makes a new database of the schema at version, as an older
// Tandem would have: SQLite in dataDir, or PostgreSQL at dbURL. It is for
// tests that write a book the way an older release did and then open it.
func MigrateTo(ctx context.Context, dataDir, dbURL string, version int64) error {
	engine, driver, dsn := Postgres, "pgx", dbURL
	if dbURL == "" {
		path := filepath.Join(dataDir, "tandem.db")
		if err := create(path); err != nil {
			return err
		}
		engine, driver, dsn = SQLite, "sqlite", "file:"+path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := provider(engine, db)
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, version)
	return err
}

// Engine says which database this is.
func (s *Store) Engine() string { return s.engine }

// Close closes the handles.
func (s *Store) Close() error {
	if s.stop != nil {
		close(s.stop)
		<-s.stopped
	}
	for _, c := range []*stmtCache{s.stmts, s.writerStmts} {
		if c != nil {
			for _, st := range c.m {
				st.Close()
			}
		}
	}
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close(), s.jobs.Close())
	}
	return err
}

// checkpoint copies SQLite's write-ahead log back into the database file
// four times a second, beside the writer rather than in its way: a
// passive checkpoint never blocks a writer or a reader.
func (s *Store) checkpoint() {
	defer close(s.stopped)
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.jobs.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		}
	}
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.reader.PingContext(ctx) }

// Tx is one transaction on the writer.
type Tx struct {
	q
	after []func()
}

// AfterCommit runs f once the transaction has committed, and never if it
// rolls back.
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// SQL is the transaction itself, for the job queue to enqueue jobs in the
// same commit as the change that causes them. Use it with Detach(ctx).
func (tx *Tx) SQL() *sql.Tx { return tx.q.tx }

// Detach returns ctx without its cancellation, for statements run on
// SQL(): SQLite rolls back a whole transaction when a write in it is
// interrupted, and a grouped transaction holds other callers' work too.
func (tx *Tx) Detach(ctx context.Context) context.Context { return context.WithoutCancel(ctx) }

// JobsDB is the handle the job queue works through. On PostgreSQL it is
// the store's pool; on SQLite a pool of its own on the same file, so that
// the queue's housekeeping never waits for the store's two writer
// connections (jobs are still enqueued in the store's transactions).
func (s *Store) JobsDB() *sql.DB { return s.jobs }

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise, so nothing is ever half-written. On SQLite, whose single
// writer makes every commit wait for the one before, the calls waiting at
// the same moment share one commit, each inside a savepoint of its own
// (see group.go).
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	if outer, ok := ctx.Value(txKey{}).(*Tx); ok {
		return outer.nested(ctx, fn)
	}
	if s.engine == SQLite {
		return s.group.do(ctx, fn)
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	t := &Tx{q: q{db: tx, stmts: s.writerStmts, tx: tx}}
	defer func() {
		if p := recover(); p != nil {
			tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	for _, f := range t.after {
		f()
	}
	return nil
}

// nested runs fn inside tx under a savepoint: what fn wrote is rolled back
// alone when it fails, and its after-commit work waits for tx's commit.
func (tx *Tx) nested(ctx context.Context, fn func(*Tx) error) (err error) {
	if _, err := tx.exec(ctx, `SAVEPOINT nested`); err != nil {
		return err
	}
	inner := &Tx{q: tx.q}
	defer func() {
		p := recover()
		if err != nil || p != nil {
			if _, rerr := tx.exec(ctx, `ROLLBACK TO nested`); rerr != nil && err == nil {
				err = rerr
			}
		}
		if _, rerr := tx.exec(ctx, `RELEASE nested`); rerr != nil && err == nil {
			err = rerr
		}
		if p != nil {
			panic(p)
		}
		if err == nil {
			tx.after = append(tx.after, inner.after...)
		}
	}()
	return fn(inner)
}

// IsUnique reports whether err is a unique-constraint violation.
func IsUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}

func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// where builds a WHERE clause; conditions use ? and become $N in order.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// placeholders adds vals as arguments and returns their placeholders, for
// an IN (...) list.
func placeholders[S ~string](w *where, vals []S) string {
	ps := make([]string, len(vals))
	for i, v := range vals {
		ps[i] = w.next(string(v))
	}
	return strings.Join(ps, ", ")
}

// next returns the placeholder for one more argument.
func (w *where) next(arg any) string {
	w.args = append(w.args, arg)
	return fmt.Sprintf("$%d", len(w.args))
}

// Optimize brings the query planner's statistics up to date where they
// have gone stale: on SQLite, PRAGMA optimize analyses each table never
// analysed or grown or shrunk tenfold since (on a sample, so it takes
// milliseconds on any book), and ANALYZE sqlite_schema then has every open
// connection read the new statistics. PostgreSQL's autovacuum analyses
// tables as they change, so there it does nothing. Open runs it after the
// migrations, and a job every hour (jobs.OptimizeEvery) (docs/adr/0030-statistics-and-due-times.md).
func (s *Store) Optimize(ctx context.Context) error {
	if s.engine != SQLite {
		return nil
	}
	return s.InTx(ctx, func(tx *Tx) error {
		_, err := tx.db.ExecContext(ctx, `PRAGMA optimize=0x10002; ANALYZE sqlite_schema`)
		return err
	})
}
