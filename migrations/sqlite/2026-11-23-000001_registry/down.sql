DROP TABLE revoked_tokens;
DROP TABLE committee_members;
DROP TABLE population_snapshots;
DROP TABLE municipalities;
