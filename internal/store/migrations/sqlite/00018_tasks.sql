-- +goose Up
-- Tasks: one person's thing to do by a due time, usually at an account and
-- usually because of something it links back to (cause_type, cause_id: a
-- typed link, checked by the app, with no foreign key because its target
-- is one of several tables). status is written from the task's times so
-- that the owner's open tasks come from one index in due order. Times are
-- milliseconds UTC.
CREATE TABLE tasks (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    title        TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    owner_id     TEXT NOT NULL REFERENCES users(id),
    account_id   TEXT REFERENCES accounts(id),
    cause_type   TEXT NOT NULL DEFAULT '',
    cause_id     TEXT NOT NULL DEFAULT '',
    due_at       INTEGER NOT NULL,
    status       TEXT NOT NULL,
    created_by   TEXT REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    done_at      INTEGER,
    done_by      TEXT REFERENCES users(id),
    cancelled_at INTEGER,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX tasks_owner ON tasks(owner_id, status, due_at, id);
CREATE INDEX tasks_account ON tasks(account_id, status, due_at, id);
CREATE INDEX tasks_cause ON tasks(cause_type, cause_id);
CREATE INDEX tasks_due ON tasks(status, due_at, id);

-- +goose Down
DROP TABLE tasks;
