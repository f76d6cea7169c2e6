package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"pgregory.net/rapid"
)

// TestUUIDCodecRoundTrips: every canonical UUID becomes 16 bytes and back,
// and no other string is taken for one.
func TestUUIDCodecRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var u uuid.UUID
		copy(u[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "bytes"))
		b, ok := uuidBytes(u.String())
		if !ok || string(b) != string(u[:]) || uuidString(b) != u.String() {
			t.Fatalf("%s did not round-trip: %x %v", u, b, ok)
		}
		for _, other := range []string{strings.ToUpper(u.String()), strings.ReplaceAll(u.String(), "-", ""), "{" + u.String() + "}",
			u.String()[:35] + "g", u.String() + " "} {
			if _, ok := uuidBytes(other); ok {
				t.Fatalf("%q taken for a canonical UUID", other)
			}
		}
	})
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.String().Draw(t, "s")
		if b, ok := uuidBytes(s); ok && uuidString(b) != s {
			t.Fatalf("%q decoded to %q", s, uuidString(b))
		}
	})
}

// TestSQLiteStoresIDsAsBytes: ids written through the store are 16-byte
// blobs in the file, text that happens to be a UUID reads back unchanged,
// and ids order as their text does.
func TestSQLiteStoresIDsAsBytes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := []string{uuid.Must(uuid.NewV7()).String(), "ffffffff-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001"}
	other := uuid.NewString() // text that is a UUID, in a text column
	err = s.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			if _, err := tx.exec(ctx, `INSERT INTO users (id, email, email_norm, name, role, created_at, updated_at) VALUES ($1, $2, $3, $4, 'sales', 0, 0)`,
				id, id+"@example.com", id, other); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := s.query(ctx, `SELECT id, name FROM users ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			t.Fatal(err)
		}
		if name != other {
			t.Errorf("name %q read back as %q", other, name)
		}
		got = append(got, id)
	}
	rows.Close()
	want := []string{ids[2], ids[0], ids[1]}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ids in order: %v, want %v", got, want)
	}
	var found string
	if err := s.row(ctx, `SELECT id FROM users WHERE id = $1`, ids[1]).Scan(&found); err != nil || found != ids[1] {
		t.Errorf("looking up by id: %q %v", found, err)
	}

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tandem.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var typ string
	var n int
	if err := raw.QueryRow(`SELECT typeof(id), length(id) FROM users WHERE email = $1`, ids[0]+"@example.com").Scan(&typ, &n); err != nil {
		t.Fatal(err)
	}
	if typ != "blob" || n != 16 {
		t.Errorf("an id is stored as %s of %d bytes, want a blob of 16", typ, n)
	}
}
