package store

import (
	"context"
	"time"
)

// DueFollowUp is a follow-up a trigger scheduled and that is not made
// yet: the trigger, its cause and when it is due.
type DueFollowUp struct {
	Trigger   string
	CauseType string
	CauseID   string
	DueAt     time.Time
	Attempts  int // how many drains have claimed it
}

// MaxFollowUpAttempts is how many drains may claim a follow-up that
// keeps failing; after them it is left, with its row, for an operator.
const MaxFollowUpAttempts = 10

// ScheduleFollowUp writes a trigger's follow-up of its cause, due at a
// moment. A trigger follows up a cause once: scheduling it again while it
// waits keeps the first.
func (tx *Tx) ScheduleFollowUp(ctx context.Context, d DueFollowUp) error {
	_, err := tx.exec(ctx, `INSERT INTO survey_follow_ups_due (trigger, cause_type, cause_id, due_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (trigger, cause_id) DO NOTHING`, d.Trigger, d.CauseType, d.CauseID, ms(d.DueAt))
	return err
}

// ClaimDueFollowUps takes up to limit follow-ups due at now, the longest
// due first, for making until lease, and counts the attempt; a follow-up
// not made by then is due again. Two drains never get the same one: the
// claim's condition is checked again on each row it updates.
func (tx *Tx) ClaimDueFollowUps(ctx context.Context, now, lease time.Time, limit int) ([]DueFollowUp, error) {
	rows, err := tx.query(ctx, `UPDATE survey_follow_ups_due SET due_at = $1, attempts = attempts + 1
		WHERE due_at <= $2 AND attempts < $3 AND (trigger, cause_id) IN (
			SELECT trigger, cause_id FROM survey_follow_ups_due WHERE due_at <= $2 AND attempts < $3 ORDER BY due_at, cause_id LIMIT $4)
		RETURNING trigger, cause_type, cause_id, due_at, attempts`, ms(lease), ms(now), MaxFollowUpAttempts, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDueFollowUp)
}

// DueFollowUps lists the follow-ups waiting, the soonest due first.
func (q q) DueFollowUps(ctx context.Context, limit int) ([]DueFollowUp, error) {
	rows, err := q.query(ctx, `SELECT trigger, cause_type, cause_id, due_at, attempts FROM survey_follow_ups_due ORDER BY due_at, cause_id LIMIT $1`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDueFollowUp)
}

// FollowUpMade deletes a trigger's scheduled follow-up of a cause: it is
// made (or will never be).
func (tx *Tx) FollowUpMade(ctx context.Context, trigger, causeID string) error {
	_, err := tx.exec(ctx, `DELETE FROM survey_follow_ups_due WHERE trigger = $1 AND cause_id = $2`, trigger, causeID)
	return err
}

func scanDueFollowUp(sc interface{ Scan(...any) error }) (DueFollowUp, error) {
	var d DueFollowUp
	var due int64
	err := sc.Scan(&d.Trigger, &d.CauseType, &d.CauseID, &due, &d.Attempts)
	d.DueAt = fromMS(due)
	return d, err
}
