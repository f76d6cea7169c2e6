-- +goose Up
-- Human-facing numbers (case #1042) come from counters, not sequences.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('case', 1000);

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    number          BIGINT NOT NULL UNIQUE,
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    contact_id      TEXT REFERENCES contacts(id),
    subject         TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    category        TEXT NOT NULL,
    priority        TEXT NOT NULL,
    status          TEXT NOT NULL,
    assignee_id     TEXT REFERENCES users(id),
    channel         TEXT NOT NULL DEFAULT '',
    solution        TEXT NOT NULL DEFAULT '',
    confirmed       BIGINT,
    close_reason    TEXT NOT NULL DEFAULT '',
    minutes_spent   BIGINT NOT NULL DEFAULT 0,
    reopened        BIGINT NOT NULL DEFAULT 0,
    opened_at       BIGINT NOT NULL,
    responded_at    BIGINT,
    resolved_at     BIGINT,
    closed_at       BIGINT,
    -- SLA clocks, in business milliseconds; due times are instants.
    fr_target_ms    BIGINT NOT NULL,
    res_target_ms   BIGINT NOT NULL,
    res_paused_ms   BIGINT NOT NULL DEFAULT 0,
    res_paused_at   BIGINT,
    fr_due_at       BIGINT NOT NULL,
    res_due_at      BIGINT,
    -- The next deadline (first response until given, then resolution), for
    -- queue order; 4611686018427387904 (2^62) when the case has none.
    due_at          BIGINT NOT NULL,
    at_risk_at      BIGINT NOT NULL, -- when the next deadline's clock goes at risk; 2^62 when none
    sla_alerts      BIGINT NOT NULL DEFAULT 0, -- alerts sent: 1, 2 first response at risk, breached; 4, 8 resolution
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX cases_queue ON cases(due_at, id);
CREATE INDEX cases_at_risk ON cases(at_risk_at);
CREATE INDEX cases_account ON cases(account_id, opened_at);
CREATE INDEX cases_assignee ON cases(assignee_id, status);

CREATE TABLE case_comments (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases(id),
    author_id  TEXT NOT NULL,
    body       TEXT NOT NULL,
    internal   BIGINT NOT NULL,
    minutes    BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_comments_case ON case_comments(case_id, created_at);

CREATE TABLE notifications (
    id           TEXT PRIMARY KEY,
    recipient_id TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    account_id   TEXT NOT NULL DEFAULT '',
    message      TEXT NOT NULL,
    url          TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);
CREATE INDEX notifications_inbox ON notifications(recipient_id, created_at, id);
CREATE INDEX notifications_unread ON notifications(recipient_id) WHERE read_at IS NULL;

-- +goose Down
DROP TABLE notifications;
DROP TABLE case_comments;
DROP TABLE cases;
DROP TABLE counters;
