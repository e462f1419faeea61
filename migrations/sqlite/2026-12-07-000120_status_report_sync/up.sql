-- Status reports are synced like every list (`modified_since`): they carry `updated_at`,
-- which for a report recorded before now is the time it was recorded.
ALTER TABLE status_reports ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE status_reports SET updated_at = created_at;
CREATE INDEX status_reports_sync ON status_reports (updated_at, id);
