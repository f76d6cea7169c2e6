-- +goose Up
-- Goodwill: compensation granted to save a relationship. Money is integer
-- minor units and an ISO 4217 code; times are milliseconds UTC.
CREATE TABLE goodwill (
    id              TEXT PRIMARY KEY,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    -- The promise this goodwill makes up for. A plain id for now: the
    -- promise ledger (promises) adds the foreign key when it is merged.
    promise_id      TEXT,
    case_id         TEXT REFERENCES cases(id),
    kind            TEXT NOT NULL,
    amount_minor    BIGINT NOT NULL,
    currency        TEXT NOT NULL,
    reason          TEXT NOT NULL,
    requested_by_id TEXT NOT NULL REFERENCES users(id),
    requested_at    BIGINT NOT NULL,
    status          TEXT NOT NULL,
    within_limit    BIGINT NOT NULL DEFAULT 0,
    limit_minor     BIGINT NOT NULL DEFAULT 0,
    limit_currency  TEXT NOT NULL DEFAULT '',
    decided_by_id   TEXT REFERENCES users(id),
    decided_at      BIGINT,
    decision_note   TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX goodwill_account ON goodwill(account_id, requested_at);
CREATE INDEX goodwill_status ON goodwill(status, requested_at);
CREATE INDEX goodwill_requester ON goodwill(requested_by_id, requested_at);
CREATE INDEX goodwill_decided ON goodwill(decided_at);

-- Promotions sales runs, and the promise each implies.
CREATE TABLE promotions (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    terms        TEXT NOT NULL,
    starts_at    BIGINT NOT NULL,
    ends_at      BIGINT NOT NULL,
    promise_kind TEXT NOT NULL DEFAULT '',
    promise_days BIGINT NOT NULL DEFAULT 0,
    active       BIGINT NOT NULL DEFAULT 1,
    tiers        TEXT NOT NULL DEFAULT '', -- comma-separated; empty: every tier
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX promotions_running ON promotions(ends_at, starts_at);

-- +goose Down
DROP TABLE promotions;
DROP TABLE goodwill;
