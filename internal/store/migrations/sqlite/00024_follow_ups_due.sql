-- +goose Up
-- The follow-ups a trigger has scheduled and that are not made yet: the
-- causing transaction writes one row, and the drain (app.RunDueFollowUps)
-- makes the follow-up and deletes the row in one transaction. due_at is
-- when it is due, or while a drain holds it, when its claim runs out
-- (milliseconds UTC); attempts counts the claims.
CREATE TABLE survey_follow_ups_due (
    trigger    TEXT NOT NULL,
    cause_type TEXT NOT NULL,
    cause_id   TEXT NOT NULL,
    due_at     INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (trigger, cause_id)
);
CREATE INDEX survey_follow_ups_due_at ON survey_follow_ups_due(due_at);

-- +goose Down
DROP TABLE survey_follow_ups_due;
