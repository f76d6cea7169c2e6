-- +goose Up
-- The homes read cases by assignee in deadline order, count them, and sum
-- the team's open work in one pass: an index by assignee that holds the
-- deadline, the state and the at-risk moment answers all of that without
-- reading the rows. Finished cases are found by when they were resolved
-- or closed.
DROP INDEX cases_assignee;
CREATE INDEX cases_assignee ON cases(assignee_id, due_at, id, status, at_risk_at);
CREATE INDEX cases_resolved ON cases(resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX cases_closed ON cases(closed_at) WHERE closed_at IS NOT NULL;

-- +goose Down
DROP INDEX cases_closed;
DROP INDEX cases_resolved;
DROP INDEX cases_assignee;
CREATE INDEX cases_assignee ON cases(assignee_id, status);
