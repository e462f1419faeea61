-- The member registry: municipalities, population snapshots, committee members; token revocation.
CREATE TABLE municipalities (
    scb_code            CHAR(4) PRIMARY KEY CHECK (scb_code ~ '^[0-9]{4}$'),
    name                TEXT NOT NULL,
    name_folded         TEXT NOT NULL,
    org_number          CHAR(11) NOT NULL UNIQUE,
    is_host             BOOLEAN NOT NULL DEFAULT FALSE,
    member_from         DATE NOT NULL,
    member_to           DATE,
    peppol_endpoint_id  TEXT,
    buyer_reference     TEXT,
    address_street      TEXT,
    address_postcode    TEXT,
    address_city        TEXT,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    CHECK (member_to IS NULL OR member_to >= member_from)
);
CREATE UNIQUE INDEX municipalities_one_host ON municipalities (is_host) WHERE is_host;

CREATE TABLE population_snapshots (
    id              BIGSERIAL PRIMARY KEY,
    scb_code        CHAR(4) NOT NULL REFERENCES municipalities (scb_code),
    snapshot_date   DATE NOT NULL,
    population      BIGINT NOT NULL CHECK (population >= 0),
    source          TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (scb_code, snapshot_date)
);

CREATE TABLE committee_members (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT NOT NULL,
    party       TEXT NOT NULL,
    scb_code    CHAR(4) NOT NULL REFERENCES municipalities (scb_code),
    seat_role   TEXT NOT NULL CHECK (seat_role IN ('member', 'substitute')),
    office      TEXT NOT NULL CHECK (office IN ('chair', 'vice_chair', 'none')),
    term_from   DATE NOT NULL,
    term_to     DATE,
    source      TEXT,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL,
    CHECK (term_to IS NULL OR term_to >= term_from)
);
CREATE INDEX committee_members_scb_code ON committee_members (scb_code);

CREATE TABLE revoked_tokens (
    jti         TEXT PRIMARY KEY,
    revoked_at  TIMESTAMP NOT NULL,
    reason      TEXT
);
