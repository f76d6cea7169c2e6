-- +goose Up
-- The competitors managers keep. Quotes (interactions of kind
-- competitor_quote or comparing) and lost deals keep naming a competitor
-- in free text (competitor, lost_to); they are matched to this list by
-- name_key, the normalised name (internal/competitor.Key).
CREATE TABLE competitors (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    website    TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL DEFAULT 1
);

-- An account's shopping signals of the last 90 days: its quotes and
-- comparisons by time (interactions_timeline covers account_id,
-- occurred_at), and its lost deals by the time they were lost.
CREATE INDEX deals_account_lost ON deals(account_id, lost_at) WHERE stage = 'lost';
-- Counting per competitor over a period.
CREATE INDEX interactions_shopping ON interactions(occurred_at, kind) WHERE kind IN ('competitor_quote', 'comparing');

-- Sales' estimate of the customer's total spend in our category over 12
-- months, for the share of wallet. One row per account that has one.
CREATE TABLE account_wallets (
    account_id     TEXT PRIMARY KEY REFERENCES accounts(id),
    spend_minor    INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    note           TEXT NOT NULL DEFAULT '',
    updated_by_id  TEXT,
    updated_at     INTEGER NOT NULL
);

-- A deal's own history on its page (and any subject's events).
CREATE INDEX events_subject ON events(subject_id, id);

-- The account's value adds up its delivered orders per currency: with the
-- currency before the delivery time, the sums come out of the index in
-- currency order and need no sort (orders_account_delivered, which this
-- replaces, sorted the window's orders to group them).
CREATE INDEX orders_account_currency ON orders(account_id, status, currency, delivered_at, revenue_minor, cost_minor, ordered_at);
DROP INDEX orders_account_delivered;

-- +goose Down
CREATE INDEX orders_account_delivered ON orders(account_id, status, delivered_at, currency, revenue_minor, cost_minor, ordered_at);
DROP INDEX orders_account_currency;
DROP INDEX events_subject;
DROP TABLE account_wallets;
DROP INDEX interactions_shopping;
DROP INDEX deals_account_lost;
DROP TABLE competitors;
