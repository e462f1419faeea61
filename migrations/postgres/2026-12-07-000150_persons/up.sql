-- People of the registry: one row per person, stable across seats, offices and years,
-- with the other spellings protocols have used for them (a JSON array of names). Each
-- seat names its person; existing seats get one person per distinct name.
CREATE TABLE persons (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    variants    TEXT NOT NULL DEFAULT '[]',
    note        TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX persons_sync ON persons (updated_at, id);

INSERT INTO persons (name, variants, created_at, updated_at)
SELECT name, '[]', MIN(created_at), MIN(created_at)
FROM committee_members
GROUP BY name
ORDER BY MIN(id);

ALTER TABLE committee_members ADD COLUMN person_id BIGINT REFERENCES persons (id);
UPDATE committee_members SET person_id = (
    SELECT p.id FROM persons p WHERE p.name = committee_members.name
);
CREATE INDEX committee_members_person ON committee_members (person_id);
