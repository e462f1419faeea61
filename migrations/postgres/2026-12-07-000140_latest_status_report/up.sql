-- Each activity names its latest status report (newest reported_on, then id), kept by
-- the write path when a report is added, so the status board and the activity lists
-- read one report per activity however many accumulate.
ALTER TABLE activities ADD COLUMN latest_report_id BIGINT;
UPDATE activities SET latest_report_id = (
    SELECT n.id FROM status_reports n
    WHERE n.activity_id = activities.id
    ORDER BY n.reported_on DESC, n.id DESC
    LIMIT 1
);
