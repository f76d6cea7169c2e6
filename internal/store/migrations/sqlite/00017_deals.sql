-- +goose Up
-- Deals: sales opportunities moving through the pipeline's stages. Money
-- is integer minor units and an ISO 4217 code; times are milliseconds UTC;
-- expected_close is a day (midnight UTC).
CREATE TABLE deals (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    owner_id       TEXT NOT NULL REFERENCES users(id),
    title          TEXT NOT NULL,
    amount_minor   INTEGER NOT NULL,
    currency       TEXT NOT NULL,
    stage          TEXT NOT NULL,
    expected_close INTEGER,
    source         TEXT NOT NULL,
    case_id        TEXT REFERENCES cases(id),
    interaction_id TEXT,
    created_by_id  TEXT REFERENCES users(id),
    lost_reason    TEXT NOT NULL DEFAULT '',
    lost_to        TEXT NOT NULL DEFAULT '',
    won_at         INTEGER,
    lost_at        INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX deals_account ON deals(account_id, stage);
CREATE INDEX deals_owner ON deals(owner_id, stage, expected_close);
CREATE INDEX deals_stage ON deals(stage, expected_close);
CREATE INDEX deals_won ON deals(won_at);
CREATE INDEX deals_lost ON deals(lost_at);

-- +goose Down
DROP TABLE deals;
