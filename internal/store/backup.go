package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup copies the SQLite database in dataDir to the new file to: a
// consistent snapshot taken in one read transaction (VACUUM INTO), so
// Tandem may go on serving meanwhile. The copy is written beside to under
// a temporary name, checked, and only then given its name; an existing
// file is never overwritten. It returns the size of the copy.
//
// Backup opens the database as it is, without migrating it: a backup taken
// before an upgrade holds the schema of the version that wrote it.
func Backup(ctx context.Context, dataDir, to string) (int64, error) {
	src := filepath.Join(dataDir, "tandem.db")
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("no Tandem database in %s (it has no tandem.db)", dataDir)
	} else if err != nil {
		return 0, err
	}
	if _, err := os.Lstat(to); !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("%s already exists: back up to a new file", to)
	}
	tmp, err := os.CreateTemp(filepath.Dir(to), "."+filepath.Base(to)+".*.partial")
	if err != nil {
		return 0, fmt.Errorf("cannot write the backup: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())

	db, err := sql.Open("sqlite", "file:"+src+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, tmp.Name()); err != nil {
		return 0, fmt.Errorf("copying %s: %w", src, err)
	}
	if err := quickCheck(ctx, tmp.Name()); err != nil {
		return 0, err
	}
	// A link, unlike a rename, fails when a file of that name appeared
	// meanwhile.
	if err := os.Link(tmp.Name(), to); err != nil {
		return 0, fmt.Errorf("cannot name the backup %s: %w", to, err)
	}
	st, err := os.Stat(to)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// quickCheck reads every page of the SQLite database at path.
func quickCheck(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("checking the backup: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("the backup failed its check: %s", res)
	}
	return nil
}
