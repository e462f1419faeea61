-- Meetings (sammanträden), their protocols' notices (anslag), decisions (paragrafer) and
-- the versions of each decision. Nested lists (attendance, signatures, decision points,
-- basis documents, recipients) are JSON text: they are read and written whole.
CREATE TABLE meetings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('committee_meeting', 'strategy_day', 'preparatory_group_meeting')),
    meeting_date    DATE NOT NULL,
    start_time      TIME,
    end_time        TIME,
    place           TEXT NOT NULL,
    chair           TEXT,
    secretary       TEXT,
    adjusters       TEXT NOT NULL,
    attendance      TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    approved_on     DATE,
    signatures      TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (approved_on IS NULL OR approved_on >= meeting_date),
    CHECK ((status = 'approved') = (approved_on IS NOT NULL))
);
CREATE INDEX meetings_date ON meetings (meeting_date, id);

CREATE TABLE meeting_notices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    meeting_id      BIGINT NOT NULL REFERENCES meetings (id),
    scb_code        CHAR(4) NOT NULL REFERENCES municipalities (scb_code),
    posted_on       DATE NOT NULL,
    taken_down_on   DATE,
    kept_at         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, scb_code),
    CHECK (taken_down_on IS NULL OR taken_down_on >= posted_on)
);

CREATE TABLE decisions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    meeting_id      BIGINT NOT NULL REFERENCES meetings (id),
    meeting_date    DATE NOT NULL,
    year            INTEGER NOT NULL,
    paragraph       INTEGER NOT NULL CHECK (paragraph > 0),
    case_number     TEXT,
    kind            TEXT NOT NULL,
    public          BOOLEAN NOT NULL,
    approved        BOOLEAN NOT NULL,
    title           TEXT NOT NULL,
    body            TEXT NOT NULL,
    recipients_folded TEXT NOT NULL,
    search_raw      TEXT NOT NULL,
    search_stemmed  TEXT NOT NULL,
    version         INTEGER NOT NULL,
    published_at    TIMESTAMP,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (year, paragraph)
);
CREATE INDEX decisions_meeting ON decisions (meeting_id, paragraph);
CREATE INDEX decisions_date ON decisions (meeting_date, id);
CREATE INDEX decisions_updated ON decisions (updated_at, id);
-- Full-text search over the Rust-side stemmed, case-folded text; rowid = decisions.id.
CREATE VIRTUAL TABLE decisions_fts USING fts5(search_stemmed);

CREATE TABLE decision_versions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    decision_id     BIGINT NOT NULL REFERENCES decisions (id),
    version         INTEGER NOT NULL,
    content         TEXT NOT NULL,
    reason          TEXT,
    changed         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (decision_id, version)
);
