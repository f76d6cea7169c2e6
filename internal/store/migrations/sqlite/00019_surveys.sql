-- +goose Up
-- Follow-up surveys: templates (versioned once answered), the keys that
-- sign invitation links, invitations, follow-ups (what a trigger made for
-- an account owner), and responses with one row per answer, shaped for
-- aggregation (scores read survey_responses joined to survey_answers).
-- Times are milliseconds UTC.
CREATE TABLE survey_templates (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    -- template_version is the version of the questions answers refer
    -- to; version is the row's, for If-Match.
    template_version INTEGER NOT NULL,
    questions        TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);

-- Every version of a template's questions that was ever sent or answered.
CREATE TABLE survey_template_versions (
    template_id      TEXT NOT NULL REFERENCES survey_templates(id),
    template_version INTEGER NOT NULL,
    name             TEXT NOT NULL,
    questions        TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (template_id, template_version)
);

-- Keys signing invitation tokens; the newest active key signs, every key
-- verifies (rotation keeps links already sent working).
CREATE TABLE survey_keys (
    id         TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE survey_follow_ups (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts(id),
    contact_id        TEXT REFERENCES contacts(id),
    owner_id          TEXT REFERENCES users(id),
    trigger           TEXT NOT NULL,
    cause_type        TEXT NOT NULL,
    cause_id          TEXT NOT NULL,
    template_id       TEXT NOT NULL REFERENCES survey_templates(id),
    task_id           TEXT,
    invitation_id     TEXT,
    -- why no invitation went by email: no address, the fatigue limit...
    suppressed_reason TEXT NOT NULL DEFAULT '',
    response_id       TEXT,
    created_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX survey_follow_ups_cause ON survey_follow_ups(trigger, cause_id);
CREATE INDEX survey_follow_ups_account ON survey_follow_ups(account_id, created_at);
CREATE INDEX survey_follow_ups_owner ON survey_follow_ups(owner_id, created_at);

CREATE TABLE survey_invitations (
    id                TEXT PRIMARY KEY,
    template_id       TEXT NOT NULL REFERENCES survey_templates(id),
    template_version  INTEGER NOT NULL,
    account_id        TEXT NOT NULL REFERENCES accounts(id),
    contact_id        TEXT REFERENCES contacts(id),
    trigger           TEXT NOT NULL,
    cause_type        TEXT NOT NULL DEFAULT '',
    cause_id          TEXT NOT NULL DEFAULT '',
    follow_up_id      TEXT REFERENCES survey_follow_ups(id),
    key_id            TEXT NOT NULL REFERENCES survey_keys(id),
    -- email (sent through the outbox), link (returned to paste), or
    -- suppressed (recorded, never sent: suppressed_reason says why).
    channel           TEXT NOT NULL,
    suppressed_reason TEXT NOT NULL DEFAULT '',
    created_by_id     TEXT REFERENCES users(id),
    expires_at        INTEGER NOT NULL,
    answered_at       INTEGER,
    response_id       TEXT,
    created_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX survey_invitations_contact ON survey_invitations(contact_id, created_at);
CREATE INDEX survey_invitations_account ON survey_invitations(account_id, created_at);

-- One row per response. owner_id is the account's owner when answered.
CREATE TABLE survey_responses (
    id               TEXT PRIMARY KEY,
    invitation_id    TEXT REFERENCES survey_invitations(id),
    follow_up_id     TEXT REFERENCES survey_follow_ups(id),
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    contact_id       TEXT REFERENCES contacts(id),
    owner_id         TEXT REFERENCES users(id),
    trigger          TEXT NOT NULL,
    cause_type       TEXT NOT NULL DEFAULT '',
    cause_id         TEXT NOT NULL DEFAULT '',
    template_id      TEXT NOT NULL REFERENCES survey_templates(id),
    template_version INTEGER NOT NULL,
    -- web (the customer's link), phone (recorded by the owner), api
    channel          TEXT NOT NULL,
    recorded_by_id   TEXT REFERENCES users(id),
    -- problem, happy or neutral: what the loop made of it
    outcome          TEXT NOT NULL,
    case_id          TEXT REFERENCES cases(id),
    deal_id          TEXT REFERENCES deals(id),
    answered_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX survey_responses_invitation ON survey_responses(invitation_id);
CREATE INDEX survey_responses_at ON survey_responses(answered_at);
CREATE INDEX survey_responses_account ON survey_responses(account_id, answered_at);
CREATE INDEX survey_responses_owner ON survey_responses(owner_id, answered_at);
CREATE INDEX survey_responses_trigger ON survey_responses(trigger, answered_at);
CREATE INDEX survey_responses_template ON survey_responses(template_id, template_version);

-- One row per answer. type is nps, csat, ces, yes_no, yardstick or text;
-- number holds the scale's value (yes_no: 1 yes, 0 no; yardstick: the
-- value in unit), NULL for text; text holds the answer as given.
CREATE TABLE survey_answers (
    response_id TEXT NOT NULL REFERENCES survey_responses(id),
    key         TEXT NOT NULL,
    type        TEXT NOT NULL,
    number      REAL,
    text        TEXT NOT NULL DEFAULT '',
    metric      TEXT NOT NULL DEFAULT '',
    unit        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, key)
);
CREATE INDEX survey_answers_metric ON survey_answers(metric, type);

-- +goose Down
DROP TABLE survey_answers;
DROP TABLE survey_responses;
DROP TABLE survey_invitations;
DROP TABLE survey_follow_ups;
DROP TABLE survey_keys;
DROP TABLE survey_template_versions;
DROP TABLE survey_templates;
