ALTER TABLE invoices DROP COLUMN buyer_name;
ALTER TABLE invoices DROP COLUMN issued_ubl_sha256;
ALTER TABLE invoices DROP COLUMN issued_ubl;
