-- +goose Up
-- A key is now written in the transaction of the work it guards, with the
-- response, so a row always holds a committed answer. Claims left by the
-- old scheme (status 0) guarded work that may or may not have committed;
-- they are dropped so that a retry is never stuck behind them.
DELETE FROM idempotency_keys WHERE status = 0;
ALTER TABLE idempotency_keys ADD COLUMN fingerprint BYTEA;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP INDEX idempotency_keys_created;
ALTER TABLE idempotency_keys DROP COLUMN fingerprint;
