-- +goose Up
-- The promise ledger: what was promised to a customer, by when, and
-- whether it was kept. Times are integer milliseconds (UTC) like every
-- table; an amount is minor units and an ISO 4217 code, or NULL.
CREATE TABLE promises (
    id               TEXT PRIMARY KEY,
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    contact_id       TEXT,
    made_by_id       TEXT NOT NULL,
    made_at          BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    description      TEXT NOT NULL,
    amount_minor     BIGINT,
    currency         TEXT,
    due_at           BIGINT NOT NULL,
    case_id          TEXT,
    replaces_id      TEXT,
    status           TEXT NOT NULL,
    overdue_at       BIGINT,
    kept_at          BIGINT,
    kept_by_id       TEXT,
    evidence         TEXT NOT NULL DEFAULT '',
    broken_at        BIGINT,
    broken_reason    TEXT NOT NULL DEFAULT '',
    cancelled_at     BIGINT,
    cancel_reason    TEXT NOT NULL DEFAULT '',
    acknowledgement  TEXT NOT NULL DEFAULT '',
    policy_warnings  TEXT NOT NULL DEFAULT '[]', -- JSON: [{"policy_id","name","statement"}]
    backdated_reason TEXT NOT NULL DEFAULT '',
    -- The promise's next moment: its due time while open, the end of its
    -- grace period while overdue; 4611686018427387904 (2^62) once final.
    check_at         BIGINT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1
);
-- An account's promises by due time (the account page, beside its cases).
CREATE INDEX promises_account_due ON promises(account_id, due_at, id);
-- Promises still to be kept by due time (the due-soon lists, the queue's
-- "accounts with a promise due" filter).
CREATE INDEX promises_pending_due ON promises(due_at, account_id) WHERE status IN ('open', 'overdue');
-- A person's promises (the sales home, the promise-keeping rate).
CREATE INDEX promises_maker_due ON promises(made_by_id, due_at, id);
-- The planner finds the promises whose moment comes in the next minutes.
CREATE INDEX promises_check ON promises(check_at);
CREATE INDEX promises_case ON promises(case_id) WHERE case_id IS NOT NULL;

-- +goose Down
DROP TABLE promises;
