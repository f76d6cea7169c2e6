-- +goose Up
-- Whether a person also wants each kind of notification by email; a kind
-- without a row uses the default (on).
CREATE TABLE notification_prefs (
    user_id TEXT NOT NULL REFERENCES users(id),
    kind    TEXT NOT NULL,
    email   INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- +goose Down
DROP TABLE notification_prefs;
