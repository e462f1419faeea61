-- The one write path: an append-only audit log (also the outbox of feeds and webhooks),
-- idempotency keys claimed before the work and bound to the caller, and constraints that
-- back the invoice rules.
CREATE TABLE audit_events (
    seq             BIGSERIAL PRIMARY KEY,
    at              TIMESTAMP NOT NULL,
    actor_sub       TEXT NOT NULL,
    actor_role      TEXT NOT NULL,
    request_id      TEXT,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    action          TEXT NOT NULL,
    change_json     TEXT NOT NULL
);
CREATE INDEX audit_events_aggregate ON audit_events (aggregate_type, aggregate_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_sub, seq);
CREATE INDEX audit_events_at ON audit_events (at, seq);
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Keys are retry caches; the old table (scope, key) is replaced by one bound to the caller.
DROP TABLE idempotency_keys;
CREATE TABLE idempotency_keys (
    caller          TEXT NOT NULL,
    scope           TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('in_flight','completed')),
    status          INTEGER,
    body            TEXT,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (caller, scope, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- An invoice is credited at most once; payments never exceed the total.
CREATE UNIQUE INDEX invoices_one_credit_note ON invoices (credits_invoice_id)
    WHERE credits_invoice_id IS NOT NULL;
ALTER TABLE invoices ADD CONSTRAINT invoices_paid_within_total
    CHECK (paid_ore >= 0 AND paid_ore <= total_ore);
CREATE INDEX payments_invoice ON payments (invoice_id);
