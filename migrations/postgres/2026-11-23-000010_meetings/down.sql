DROP TABLE decision_versions;
DROP TABLE decisions;
DROP TABLE meeting_notices;
DROP TABLE meetings;
