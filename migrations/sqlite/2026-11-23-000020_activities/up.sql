-- Activities, their phase history, participants, status reports, rollout per
-- municipality, procurements and contracts. Decisions are referenced by
-- (year, paragraph) without a foreign key, so this lands independently of meetings.
CREATE TABLE activities (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    category        TEXT NOT NULL CHECK (category IN ('project', 'management', 'operations')),
    name            TEXT NOT NULL,
    goal            TEXT,
    phase           TEXT NOT NULL CHECK (phase IN ('idea', 'pre_study', 'development', 'procurement', 'implementation', 'management', 'paused', 'closed')),
    start_year      INTEGER,
    start_date      DATE,
    expected_end    DATE,
    contacts        TEXT NOT NULL DEFAULT '[]',
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CHECK (start_date IS NULL OR expected_end IS NULL OR expected_end >= start_date)
);

CREATE TABLE activity_participants (
    activity_id     BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    scb_code        TEXT NOT NULL REFERENCES municipalities (scb_code),
    PRIMARY KEY (activity_id, scb_code)
);
CREATE INDEX activity_participants_scb_code ON activity_participants (scb_code);

CREATE TABLE phase_changes (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id         BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    changed_on          DATE NOT NULL,
    from_phase          TEXT,
    to_phase            TEXT NOT NULL,
    reason              TEXT,
    decision_year       INTEGER,
    decision_paragraph  INTEGER,
    case_number         TEXT,
    created_at          TIMESTAMP NOT NULL,
    CHECK ((decision_year IS NULL) = (decision_paragraph IS NULL))
);
CREATE INDEX phase_changes_activity ON phase_changes (activity_id);

CREATE TABLE status_reports (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id         BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    reported_on         DATE NOT NULL,
    text                TEXT NOT NULL,
    meeting_date        DATE,
    meeting_paragraph   INTEGER,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX status_reports_activity ON status_reports (activity_id, reported_on);

CREATE TABLE rollouts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id     BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    scb_code        TEXT NOT NULL REFERENCES municipalities (scb_code),
    state           TEXT NOT NULL CHECK (state IN ('not_participating', 'planned', 'in_progress', 'done')),
    started_on      DATE,
    completed_on    DATE,
    as_of           DATE,
    note            TEXT,
    updated_at      TIMESTAMP NOT NULL,
    UNIQUE (activity_id, scb_code),
    CHECK (started_on IS NULL OR completed_on IS NULL OR completed_on >= started_on)
);

CREATE TABLE procurements (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id             BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    name                    TEXT NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('planned', 'ongoing', 'awarded', 'cancelled')),
    award_decision_year     INTEGER,
    award_decision_paragraph INTEGER,
    award_case_number       TEXT,
    award_note              TEXT,
    supplier_name           TEXT,
    supplier_org_number     TEXT,
    created_at              TIMESTAMP NOT NULL,
    CHECK ((award_decision_year IS NULL) = (award_decision_paragraph IS NULL))
);
CREATE INDEX procurements_activity ON procurements (activity_id);

CREATE TABLE contracts (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    activity_id             BIGINT NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    procurement_id          BIGINT REFERENCES procurements (id),
    name                    TEXT NOT NULL,
    supplier_name           TEXT,
    supplier_org_number     TEXT,
    start_date              DATE,
    end_date                DATE,
    extendable              BOOLEAN NOT NULL DEFAULT 0,
    extension_options       TEXT,
    call_off_members        BOOLEAN NOT NULL DEFAULT 1,
    call_off_companies      BOOLEAN NOT NULL DEFAULT 0,
    call_off_foundations    BOOLEAN NOT NULL DEFAULT 0,
    note                    TEXT,
    created_at              TIMESTAMP NOT NULL,
    CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX contracts_end_date ON contracts (end_date);
