-- Money: cost streams with their stored splits, invoices, payments, number series, idempotency.
CREATE TABLE cost_streams (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    year                    INTEGER NOT NULL,
    name                    TEXT NOT NULL,
    kind                    TEXT NOT NULL CHECK (kind IN ('base_funding','e_office','system_manager','shared_service','project')),
    model_json              TEXT NOT NULL,
    amount_ore              BIGINT NOT NULL CHECK (amount_ore >= 0),
    rounding_unit_ore       BIGINT NOT NULL CHECK (rounding_unit_ore >= 1),
    participants_json       TEXT NOT NULL,
    vat_category            TEXT NOT NULL,
    vat_percent             INTEGER NOT NULL DEFAULT 0,
    vat_exemption_reason    TEXT,
    activity_id             BIGINT,
    decision_year           INTEGER,
    decision_paragraph      INTEGER,
    population_source       TEXT,
    allocation_json         TEXT NOT NULL,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);
CREATE INDEX cost_streams_year ON cost_streams (year, id);

CREATE TABLE invoices (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    doc_type            TEXT NOT NULL CHECK (doc_type IN ('invoice','credit_note')),
    scb_code            TEXT NOT NULL REFERENCES municipalities (scb_code),
    year                INTEGER NOT NULL,
    period              TEXT NOT NULL,
    status              TEXT NOT NULL CHECK (status IN ('draft','approved','issued','partially_paid','paid','credited')),
    series              TEXT,
    number              TEXT UNIQUE,
    issue_date          DATE,
    due_date            DATE,
    buyer_reference     TEXT,
    credits_invoice_id  BIGINT REFERENCES invoices (id),
    total_ore           BIGINT NOT NULL,
    paid_ore            BIGINT NOT NULL DEFAULT 0,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX invoices_scb_period ON invoices (scb_code, period);

CREATE TABLE invoice_lines (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    invoice_id              BIGINT NOT NULL REFERENCES invoices (id),
    line_no                 INTEGER NOT NULL,
    cost_stream_id          BIGINT NOT NULL REFERENCES cost_streams (id),
    description             TEXT NOT NULL,
    amount_ore              BIGINT NOT NULL,
    vat_category            TEXT NOT NULL,
    vat_percent             INTEGER NOT NULL DEFAULT 0,
    vat_exemption_reason    TEXT,
    UNIQUE (invoice_id, line_no)
);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    invoice_id  BIGINT NOT NULL REFERENCES invoices (id),
    amount_ore  BIGINT NOT NULL CHECK (amount_ore > 0),
    paid_on     DATE NOT NULL,
    reference   TEXT,
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE number_series (
    series      TEXT PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
