-- The appeal deadline of a decision (Kommunallagen 13 kap. 5 §), kept on the decision by
-- the write path when a notice is posted or the registry changes, so that reading a
-- decision is one statement. NULL until every member municipality has posted the notice.
-- Filled for the decisions of existing databases when `samverkan` applies this migration.
ALTER TABLE decisions ADD COLUMN appeal_posted_all_on DATE;
ALTER TABLE decisions ADD COLUMN appeal_last_day DATE;
ALTER TABLE decisions ADD COLUMN appeal_moved_from DATE;
