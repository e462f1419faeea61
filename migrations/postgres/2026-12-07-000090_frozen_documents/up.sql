-- Issued means frozen: what an issued invoice or credit note shows is stored with it at
-- issue, so that its UBL, CSV and JSON never change when the municipality, the registry
-- or the configuration is edited later. `issued_ubl` is the PEPPOL BIS Billing 3.0
-- document byte for byte as served, `issued_ubl_sha256` its SHA-256 (lower-case hex), and
-- `buyer_name` the municipality's name as the CSV shows it. Documents issued before this
-- migration are frozen as they rendered at the time by `samverkan serve` at its next
-- start (the rendering needs the seller's configuration, which SQL does not have).
ALTER TABLE invoices ADD COLUMN issued_ubl TEXT;
ALTER TABLE invoices ADD COLUMN issued_ubl_sha256 TEXT;
ALTER TABLE invoices ADD COLUMN buyer_name TEXT;
