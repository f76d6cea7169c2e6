-- +goose Up
-- The homes read cases by assignee in deadline order and count them from
-- an index by assignee that holds the deadline and the state; the team's
-- open work is summed in one pass over an index of the unfinished cases
-- only (partial: a query names the states literally to use it) that holds
-- assignee, deadline and at-risk moment, so neither reads the rows nor the
-- finished cases. Finished cases are found by when they were
-- resolved or closed. The queue's index holds state and account too, so the
-- cases past their deadline are counted by account from it alone.
DROP INDEX cases_queue;
CREATE INDEX cases_queue ON cases(due_at, id, status, account_id);
DROP INDEX cases_assignee;
CREATE INDEX cases_assignee ON cases(assignee_id, due_at, id, status);
CREATE INDEX cases_open ON cases(assignee_id, status, due_at, at_risk_at) WHERE status IN ('new', 'open', 'pending_customer');
CREATE INDEX cases_resolved ON cases(resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL;

-- +goose Down
DROP INDEX cases_open;
DROP INDEX cases_closed;
DROP INDEX cases_resolved;
DROP INDEX cases_assignee;
CREATE INDEX cases_assignee ON cases(assignee_id, status);
DROP INDEX cases_queue;
CREATE INDEX cases_queue ON cases(due_at, id);
