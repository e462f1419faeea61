DROP INDEX committee_members_person;
ALTER TABLE committee_members DROP COLUMN person_id;
DROP TABLE persons;
