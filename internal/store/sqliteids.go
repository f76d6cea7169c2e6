package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"strings"

	"modernc.org/sqlite"
)

// On SQLite, Tandem stores every id as its 16 bytes rather than its 36
// characters of text: ids are most of what an index holds, and most rows
// hold several (docs/adr/0016-compact-ids.md). The encoding lives here, in
// a driver that wraps SQLite's, so that the rest of the store reads and
// writes ids as the strings they are everywhere else:
//
//   - an argument that is a canonical UUID ("0190c6b2-...", lowercase, with
//     its hyphens) is bound as its 16 bytes;
//   - a 16-byte value read from a column that is not declared BLOB is read
//     back as the canonical string.
//
// The two rules round-trip any text, not only ids: a text column holds a
// 16-byte blob only where a canonical UUID was written, so reading one
// back gives that UUID. PostgreSQL keeps ids as text (see the ADR).
const sqliteDriver = "tandem-sqlite"

func init() {
	d := &sqlite.Driver{}
	if err := d.RegisterDeterministicScalarFunction("tandem_id", 1, tandemID); err != nil {
		panic(err)
	}
	sql.Register(sqliteDriver, idDriver{d})
}

// uuidBytes returns the 16 bytes of s when s is a canonical UUID.
func uuidBytes(s string) ([]byte, bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return nil, false
	}
	var b [16]byte
	for j, i := range hexPairs {
		hi, ok1 := lowerHex(s[i])
		lo, ok2 := lowerHex(s[i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		b[j] = hi<<4 | lo
	}
	return b[:], true
}

// hexPairs are where each byte's two digits start in a canonical UUID.
var hexPairs = [16]int{0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34}

func lowerHex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// uuidString is the canonical text of 16 bytes.
func uuidString(b []byte) string {
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

type idDriver struct{ d *sqlite.Driver }

func (d idDriver) Open(name string) (driver.Conn, error) {
	c, err := d.d.Open(name)
	if err != nil {
		return nil, err
	}
	return idConn{c.(sqliteConn)}, nil
}

// sqliteConn is what SQLite's connection offers database/sql.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type idConn struct{ sqliteConn }

// CheckNamedValue converts an argument as database/sql would (a
// sql.NullString to its string, say), then binds a canonical UUID as bytes.
func (c idConn) CheckNamedValue(nv *driver.NamedValue) error {
	v, err := driver.DefaultParameterConverter.ConvertValue(nv.Value)
	if err != nil {
		return err
	}
	if s, ok := v.(string); ok {
		if b, ok := uuidBytes(s); ok {
			v = b
		}
	}
	nv.Value = v
	return nil
}

func (c idConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	return idStmt{st.(sqliteStmt)}, nil
}

func (c idConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c idConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	r, err := c.sqliteConn.QueryContext(ctx, query, args)
	if err != nil {
		return nil, err
	}
	return newIDRows(r), nil
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type idStmt struct{ sqliteStmt }

func (s idStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	r, err := s.sqliteStmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	return newIDRows(r), nil
}

type sqliteRows interface {
	driver.Rows
	driver.RowsColumnTypeDatabaseTypeName
}

// idRows reads 16-byte values of columns not declared BLOB as ids.
type idRows struct {
	sqliteRows
	blob []bool
}

func newIDRows(r driver.Rows) *idRows {
	sr := r.(sqliteRows)
	blob := make([]bool, len(sr.Columns()))
	for i := range blob {
		blob[i] = strings.EqualFold(sr.ColumnTypeDatabaseTypeName(i), "BLOB")
	}
	return &idRows{sr, blob}
}

func (r *idRows) Next(dest []driver.Value) error {
	if err := r.sqliteRows.Next(dest); err != nil {
		return err
	}
	for i, v := range dest {
		if b, ok := v.([]byte); ok && len(b) == 16 && !r.blob[i] {
			dest[i] = uuidString(b)
		}
	}
	return nil
}
