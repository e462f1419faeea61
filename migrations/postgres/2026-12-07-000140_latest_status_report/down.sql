ALTER TABLE activities DROP COLUMN latest_report_id;
