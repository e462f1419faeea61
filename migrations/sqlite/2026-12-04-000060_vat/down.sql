ALTER TABLE municipalities DROP COLUMN peppol_endpoint_scheme;
DROP INDEX invoices_credits;
UPDATE invoices SET status = 'issued' WHERE status = 'credited';
UPDATE invoices SET total_ore = line_extension_ore;
DROP TABLE invoice_vat;
ALTER TABLE invoices DROP COLUMN seller_vat_id;
ALTER TABLE invoices DROP COLUMN payment_account;
ALTER TABLE invoices DROP COLUMN credited_ore;
ALTER TABLE invoices DROP COLUMN tax_ore;
ALTER TABLE invoices DROP COLUMN line_extension_ore;
ALTER TABLE invoices DROP COLUMN vat_regime;
CREATE UNIQUE INDEX invoices_one_credit_note ON invoices (credits_invoice_id)
    WHERE credits_invoice_id IS NOT NULL;
