-- +goose Up
-- The changes to a record after it was created, newest first: what reads
-- back a logged interaction as it was logged (docs/adr/0015). Creations
-- hold no earlier values, so only edits and removals are in the index.
CREATE INDEX events_changes ON events (subject_id, id) WHERE before_json IS NOT NULL;

-- +goose Down
DROP INDEX events_changes;
