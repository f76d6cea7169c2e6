-- +goose Up
-- The case page lists the email written about its case.
CREATE INDEX emails_subject ON emails(subject_id, created_at);

-- +goose Down
DROP INDEX emails_subject;
