-- +goose Up
-- Outgoing email, written in the transaction that causes it and sent by
-- a job: notifications to users (addressed by user, sent if they still
-- want that kind by email) and messages to customers (addressed by email).
CREATE TABLE emails (
    id              TEXT PRIMARY KEY,
    to_user_id      TEXT REFERENCES users(id),
    to_address      TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL,
    account_id      TEXT NOT NULL DEFAULT '',
    subject_id      TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at BIGINT NOT NULL,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT
);
CREATE INDEX emails_pending ON emails(next_attempt_at) WHERE status = 'pending';

-- Keys the server signs with (links in emails), made once per database.
CREATE TABLE signing_keys (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- +goose Down
DROP TABLE signing_keys;
DROP TABLE emails;
