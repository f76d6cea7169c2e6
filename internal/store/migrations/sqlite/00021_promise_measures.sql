-- +goose Up
-- The promotion a promise comes from, if any.
ALTER TABLE promises ADD COLUMN promotion_id TEXT;
-- A promise a block policy refused, recorded by a manager as an exception:
-- the policy and the manager's reason. NULL / '' for every other promise.
ALTER TABLE promises ADD COLUMN exception_policy_id TEXT;
ALTER TABLE promises ADD COLUMN exception_policy_name TEXT NOT NULL DEFAULT '';
ALTER TABLE promises ADD COLUMN exception_reason TEXT NOT NULL DEFAULT '';
-- The team the promise was made for (sales or service), as its maker's
-- role said when it was made: the promise-keeping rate per team.
ALTER TABLE promises ADD COLUMN team TEXT NOT NULL DEFAULT 'sales';
UPDATE promises SET team = 'service' WHERE made_by_id IN (SELECT id FROM users WHERE role = 'service');
-- Promise measures read the promises due in a period, whatever their status.
CREATE INDEX promises_due ON promises(due_at, id);
CREATE INDEX promises_exception ON promises(exception_policy_id) WHERE exception_policy_id IS NOT NULL;
CREATE INDEX promises_promotion ON promises(promotion_id) WHERE promotion_id IS NOT NULL;
-- A faulty policy is reported to the managers once per version.
CREATE TABLE policy_faults (
    policy_id TEXT NOT NULL,
    version   INTEGER NOT NULL,
    error     TEXT NOT NULL,
    told_at   INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
);

-- +goose Down
DROP TABLE policy_faults;
DROP INDEX promises_promotion;
DROP INDEX promises_exception;
DROP INDEX promises_due;
ALTER TABLE promises DROP COLUMN team;
ALTER TABLE promises DROP COLUMN exception_reason;
ALTER TABLE promises DROP COLUMN exception_policy_name;
ALTER TABLE promises DROP COLUMN exception_policy_id;
ALTER TABLE promises DROP COLUMN promotion_id;
