package store_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tandem/internal/access"
	"tandem/internal/store"
)

// TestBackup copies a database that is open and being written to, and the
// copy opens as a Tandem database with what was committed before it.
func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir, out := t.TempDir(), t.TempDir()
	s, err := store.Open(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	addUser := func(id string) {
		t.Helper()
		now := time.Now()
		if err := s.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertUser(ctx, access.User{ID: id, Email: id + "@example.com", Name: id, Role: access.Sales, Active: true, CreatedAt: now, UpdatedAt: now}, "")
		}); err != nil {
			t.Fatal(err)
		}
	}
	addUser("before")
	to := filepath.Join(out, "tandem-backup.db")
	size, err := store.Backup(ctx, dir, to)
	if err != nil {
		t.Fatal(err)
	}
	addUser("after")
	if st, err := os.Stat(to); err != nil || st.Size() != size || size == 0 {
		t.Fatalf("backup file: %v, size %d, reported %d", err, st.Size(), size)
	}

	// Restoring is putting the copy in a data directory of its own.
	restored := t.TempDir()
	b, _ := os.ReadFile(to)
	os.WriteFile(filepath.Join(restored, "tandem.db"), b, 0o600)
	r, err := store.Open(ctx, restored, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, _, err := r.UserByEmail(ctx, "before@example.com"); err != nil {
		t.Errorf("the backup lost a committed user: %v", err)
	}
	if _, _, err := r.UserByEmail(ctx, "after@example.com"); err == nil {
		t.Error("the backup holds a user added after it")
	}

	if _, err := store.Backup(ctx, dir, to); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backing up over an existing file: %v", err)
	}
	if _, err := store.Backup(ctx, t.TempDir(), filepath.Join(out, "other.db")); err == nil || !strings.Contains(err.Error(), "no Tandem database") {
		t.Errorf("backing up an empty directory: %v", err)
	}
	entries, _ := os.ReadDir(out)
	if len(entries) != 1 {
		t.Errorf("the backup directory holds %d files, want the one backup", len(entries))
	}

	// The copy is a plain SQLite file any SQLite tool reads.
	db, err := sql.Open("sqlite", "file:"+to+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM users`).Scan(&n); err != nil || n != 1 {
		t.Errorf("users in the backup: %d, %v", n, err)
	}
}
