-- Status reports are synced like every list (`modified_since`): they carry `updated_at`,
-- which for a report recorded before now is the time it was recorded.
ALTER TABLE status_reports ADD COLUMN updated_at TIMESTAMP;
UPDATE status_reports SET updated_at = created_at;
ALTER TABLE status_reports ALTER COLUMN updated_at SET NOT NULL;
CREATE INDEX status_reports_sync ON status_reports (updated_at, id);
