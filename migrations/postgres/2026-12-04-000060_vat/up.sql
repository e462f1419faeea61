-- VAT as rules of the invoice aggregate: each document stores its VAT breakdown (BG-23)
-- and totals (BG-22) once, as computed by samverkan-domain; `total_ore` becomes the
-- payable amount (VAT included), against which payments and credits are counted. One
-- invoice never mixes category O with another (its `vat_regime`). An invoice may be
-- credited by several partial credit notes.
ALTER TABLE invoices ADD COLUMN vat_regime TEXT NOT NULL DEFAULT 'outside_scope'
    CHECK (vat_regime IN ('outside_scope', 'vat'));
ALTER TABLE invoices ADD COLUMN line_extension_ore BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN tax_ore BIGINT NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN credited_ore BIGINT NOT NULL DEFAULT 0;
-- What the seller's configuration was when the document was issued: an issued document
-- never changes, even when the bankgiro or VAT number is reconfigured later.
ALTER TABLE invoices ADD COLUMN payment_account TEXT;
ALTER TABLE invoices ADD COLUMN seller_vat_id TEXT;

CREATE TABLE invoice_vat (
    invoice_id              BIGINT NOT NULL REFERENCES invoices (id),
    vat_category            TEXT NOT NULL,
    vat_percent             INTEGER NOT NULL,
    taxable_ore             BIGINT NOT NULL,
    tax_ore                 BIGINT NOT NULL,
    vat_exemption_reason    TEXT,
    PRIMARY KEY (invoice_id, vat_category, vat_percent)
);

-- Existing documents: the breakdown by the tax rule (half away from zero; amounts are
-- never negative), the old net total as line extension, the payable amount as total.
INSERT INTO invoice_vat (invoice_id, vat_category, vat_percent, taxable_ore, tax_ore, vat_exemption_reason)
SELECT invoice_id, vat_category, vat_percent, CAST(SUM(amount_ore) AS BIGINT),
       CASE WHEN vat_category = 'O' THEN 0
            ELSE (CAST(SUM(amount_ore) AS BIGINT) * vat_percent + 50) / 100 END,
       MIN(vat_exemption_reason)
FROM invoice_lines GROUP BY invoice_id, vat_category, vat_percent;
UPDATE invoices SET
    line_extension_ore = total_ore,
    tax_ore = COALESCE((SELECT CAST(SUM(v.tax_ore) AS BIGINT) FROM invoice_vat v WHERE v.invoice_id = invoices.id), 0),
    vat_regime = CASE WHEN EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = invoices.id AND l.vat_category <> 'O')
                      THEN 'vat' ELSE 'outside_scope' END;
UPDATE invoices SET total_ore = line_extension_ore + tax_ore;
UPDATE invoices SET credited_ore = COALESCE((SELECT CAST(SUM(c.total_ore) AS BIGINT) FROM invoices c
    WHERE c.credits_invoice_id = invoices.id AND c.number IS NOT NULL), 0);
-- Until now a credit note credited all of its invoice.
UPDATE invoices SET status = 'credited' WHERE doc_type = 'invoice' AND credited_ore > 0;

DROP INDEX invoices_one_credit_note;
CREATE INDEX invoices_credits ON invoices (credits_invoice_id);

-- A buyer's Peppol endpoint has its own scheme (0007 organisation number, 0088 GLN …) and
-- is separate from its legal organisation number (BT-47).
ALTER TABLE municipalities ADD COLUMN peppol_endpoint_scheme TEXT;
UPDATE municipalities SET peppol_endpoint_scheme = '0007' WHERE peppol_endpoint_id IS NOT NULL;
