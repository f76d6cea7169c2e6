-- +goose Up
-- When each user last signed in, for the admins' Users page: kept on the
-- user's row (set in the sign-in's transaction) rather than found among
-- the events, which have no index by kind. Filled from the events once.
ALTER TABLE users ADD COLUMN last_sign_in_at INTEGER;
UPDATE users SET last_sign_in_at = (SELECT MAX(e.at) FROM events e WHERE e.kind = 'session.signed_in' AND e.subject_id = users.id);

-- +goose Down
ALTER TABLE users DROP COLUMN last_sign_in_at;
