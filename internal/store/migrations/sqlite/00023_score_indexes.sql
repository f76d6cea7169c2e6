-- +goose Up
-- The scores across the book read every response of the period and its
-- scale and yes/no answers. Each read is covered by an index, so neither
-- table is visited: the responses by time, by owner or by trigger, each
-- with what the scores group by, and the answers the scores count.
CREATE INDEX survey_responses_scores ON survey_responses(answered_at, id, owner_id, trigger);
DROP INDEX survey_responses_at;
CREATE INDEX survey_responses_owner_scores ON survey_responses(owner_id, answered_at, id, trigger);
DROP INDEX survey_responses_owner;
CREATE INDEX survey_responses_trigger_scores ON survey_responses(trigger, answered_at, id, owner_id);
DROP INDEX survey_responses_trigger;
CREATE INDEX survey_answers_scores ON survey_answers(response_id, type, key, number)
    WHERE type IN ('nps', 'csat', 'ces', 'yes_no') AND number IS NOT NULL;

-- +goose Down
DROP INDEX survey_answers_scores;
CREATE INDEX survey_responses_trigger ON survey_responses(trigger, answered_at);
DROP INDEX survey_responses_trigger_scores;
CREATE INDEX survey_responses_owner ON survey_responses(owner_id, answered_at);
DROP INDEX survey_responses_owner_scores;
CREATE INDEX survey_responses_at ON survey_responses(answered_at);
DROP INDEX survey_responses_scores;
