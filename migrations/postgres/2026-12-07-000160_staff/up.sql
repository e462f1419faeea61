-- The committee's staff (*tjänstepersoner*): a person of the registry appointed as its
-- secretary or as an official (coordinator, controller …) for a period; they hold no
-- seat and have no vote, but protocols name them and sign them.
CREATE TABLE staff (
    id          BIGSERIAL PRIMARY KEY,
    person_id     BIGINT NOT NULL REFERENCES persons (id),
    role          TEXT NOT NULL CHECK (role IN ('secretary', 'official')),
    title         TEXT NOT NULL,
    organisation  TEXT,
    term_from     DATE NOT NULL,
    term_to       DATE,
    source        TEXT,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    CHECK (term_to IS NULL OR term_to >= term_from)
);
CREATE INDEX staff_person ON staff (person_id);
CREATE INDEX staff_sync ON staff (updated_at, id);
