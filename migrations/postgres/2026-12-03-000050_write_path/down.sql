DROP INDEX payments_invoice;
ALTER TABLE invoices DROP CONSTRAINT invoices_paid_within_total;
DROP INDEX invoices_one_credit_note;
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    scope           TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    status          INTEGER NOT NULL,
    body            TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only();
