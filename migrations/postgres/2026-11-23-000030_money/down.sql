DROP TABLE idempotency_keys;
DROP TABLE number_series;
DROP TABLE payments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE cost_streams;
