-- +goose Up
-- The categories cases are filed under; managers edit the list.
CREATE TABLE case_categories (
    name       TEXT PRIMARY KEY,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
INSERT INTO case_categories (name, active, created_at) VALUES
    ('general', 1, 0), ('delivery', 1, 0), ('billing', 1, 0), ('access', 1, 0), ('product', 1, 0);

-- +goose Down
DROP TABLE case_categories;
