DROP INDEX status_reports_sync;
ALTER TABLE status_reports DROP COLUMN updated_at;
