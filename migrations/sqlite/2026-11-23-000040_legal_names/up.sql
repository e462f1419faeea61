-- The registered legal name (*juridiskt namn*), e.g. "Bodens kommun": invoices need it exactly.
ALTER TABLE municipalities ADD COLUMN legal_name TEXT;
