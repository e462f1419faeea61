DROP TABLE contracts;
DROP TABLE procurements;
DROP TABLE rollouts;
DROP TABLE status_reports;
DROP TABLE phase_changes;
DROP TABLE activity_participants;
DROP TABLE activities;
