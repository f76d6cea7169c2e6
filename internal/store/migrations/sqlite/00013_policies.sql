-- +goose Up
-- Service policies: the rules service lives by, each a CEL rule that is
-- true when a promise conflicts with it (internal/rules).
CREATE TABLE service_policies (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    statement      TEXT NOT NULL,
    rule           TEXT NOT NULL,
    severity       TEXT NOT NULL,
    effective_from INTEGER NOT NULL,
    effective_to   INTEGER,
    active         INTEGER NOT NULL DEFAULT 1,
    updated_by_id  TEXT REFERENCES users(id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX service_policies_active ON service_policies (active, name);

-- +goose Down
DROP TABLE service_policies;
