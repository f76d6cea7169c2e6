package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"tandem/internal/fault"
)

// Setting is one stored SLA setting: its spec as JSON.
type Setting struct {
	Key       string
	Name      string
	Spec      []byte
	UpdatedAt time.Time
	Version   int64
}

// Setting returns a setting; found is false when none is stored yet.
func (q q) Setting(ctx context.Context, key string) (s Setting, found bool, err error) {
	var updated int64
	var spec string
	err = q.row(ctx, `SELECT key, name, spec, updated_at, version FROM sla_settings WHERE key = $1`, key).Scan(&s.Key, &s.Name, &spec, &updated, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return Setting{Key: key}, false, nil
	}
	s.Spec, s.UpdatedAt = []byte(spec), fromMS(updated)
	return s, err == nil, err
}

// SaveSetting writes a setting if its version is still expected (0: it
// does not exist yet).
func (tx *Tx) SaveSetting(ctx context.Context, s Setting, expected int64) error {
	if expected == 0 {
		_, err := tx.exec(ctx, `INSERT INTO sla_settings (key, name, spec, updated_at, version) VALUES ($1, $2, $3, $4, 1)`,
			s.Key, s.Name, string(s.Spec), ms(s.UpdatedAt))
		if IsUnique(err) {
			return fault.StaleVersion("setting")
		}
		return err
	}
	res, err := tx.exec(ctx, `UPDATE sla_settings SET name = $1, spec = $2, updated_at = $3, version = version + 1 WHERE key = $4 AND version = $5`,
		s.Name, string(s.Spec), ms(s.UpdatedAt), s.Key, expected)
	if err != nil {
		return err
	}
	return staleUnlessOne(res, "setting")
}
