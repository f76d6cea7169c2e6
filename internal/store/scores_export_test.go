package store

import (
	"context"
	"time"
)

// TestAnswer is one answer for AddTestResponse.
type TestAnswer struct {
	Key, Type    string
	Number       *float64
	Text         string
	Metric, Unit string
}

// AddTestResponse writes a survey response and its answers as the surveys'
// store would, for the scores' tests.
func (tx *Tx) AddTestResponse(ctx context.Context, id, accountID, ownerID, trigger string, at time.Time, answers ...TestAnswer) error {
	if _, err := tx.exec(ctx, `INSERT INTO survey_templates (id, name, template_version, questions, created_at, updated_at)
		VALUES ('t', 'T', 1, '[]', 0, 0) ON CONFLICT (id) DO NOTHING`); err != nil {
		return err
	}
	var owner any
	if ownerID != "" {
		owner = ownerID
	}
	if _, err := tx.exec(ctx, `INSERT INTO survey_responses (id, account_id, owner_id, trigger, template_id, template_version, channel, outcome, answered_at)
		VALUES ($1, $2, $3, $4, 't', 1, 'web', 'neutral', $5)`, id, accountID, owner, trigger, ms(at)); err != nil {
		return err
	}
	for _, a := range answers {
		if _, err := tx.exec(ctx, `INSERT INTO survey_answers (response_id, key, type, number, text, metric, unit) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			id, a.Key, a.Type, a.Number, a.Text, a.Metric, a.Unit); err != nil {
			return err
		}
	}
	return nil
}
