-- +goose Up
-- The service calendar and SLA policy, as the specs people write
-- (JSON), one row each: 'calendar' and 'policy'.
CREATE TABLE sla_settings (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    version    BIGINT NOT NULL DEFAULT 1
);

-- +goose Down
DROP TABLE sla_settings;
