-- +goose Up
-- Products and orders: what the customer buys from us, at what price and
-- cost. Amounts are integer minor units with an ISO 4217 code; times are
-- integer milliseconds (UTC) like every table.
CREATE TABLE products (
    id               TEXT PRIMARY KEY,
    sku              TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    price_minor      INTEGER NOT NULL,
    cost_minor       INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    category         TEXT NOT NULL DEFAULT '',
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX products_name ON products(name, id);

-- Order numbers (#5001) come from the counters like case numbers.
INSERT INTO counters (name, value) VALUES ('order', 5000);

-- An order keeps its lines (JSON: [{"product_id","sku","name","quantity",
-- "unit_price_minor","unit_cost_minor"}]) and its totals, so an order never
-- changes when a product's price does.
CREATE TABLE orders (
    id                   TEXT PRIMARY KEY,
    number               INTEGER NOT NULL UNIQUE,
    account_id           TEXT NOT NULL REFERENCES accounts(id),
    created_by_id        TEXT NOT NULL,
    ordered_at           INTEGER NOT NULL,
    currency             TEXT NOT NULL,
    lines                TEXT NOT NULL,
    revenue_minor        INTEGER NOT NULL,
    cost_minor           INTEGER NOT NULL,
    status               TEXT NOT NULL,
    promised_delivery_at INTEGER,
    shipped_at           INTEGER,
    delivered_at         INTEGER,
    returned_at          INTEGER,
    cancelled_at         INTEGER,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
-- An account's orders, newest first (the account page, the API list).
CREATE INDEX orders_account_ordered ON orders(account_id, ordered_at, id);
-- The account's value: its delivered orders by delivery time.
-- It covers what the value adds up, so no order row is read.
CREATE INDEX orders_account_delivered ON orders(account_id, status, delivered_at, currency, revenue_minor, cost_minor, ordered_at);

-- The delivery promise an order's promised date made.
ALTER TABLE promises ADD COLUMN order_id TEXT;
CREATE INDEX promises_order ON promises(order_id) WHERE order_id IS NOT NULL;

-- +goose Down
DROP INDEX promises_order;
ALTER TABLE promises DROP COLUMN order_id;
DROP TABLE orders;
DELETE FROM counters WHERE name = 'order';
DROP TABLE products;
