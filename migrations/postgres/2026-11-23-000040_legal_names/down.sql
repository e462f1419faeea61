ALTER TABLE municipalities DROP COLUMN legal_name;
