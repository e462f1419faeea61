ALTER TABLE decisions DROP COLUMN appeal_moved_from;
ALTER TABLE decisions DROP COLUMN appeal_last_day;
ALTER TABLE decisions DROP COLUMN appeal_posted_all_on;
