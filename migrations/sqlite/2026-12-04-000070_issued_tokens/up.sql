-- Issued tokens, recorded when `samverkan token issue` makes them, with their last use
-- (to the hour) so that an admin can find stale access and revoke it.
CREATE TABLE issued_tokens (
    jti             TEXT PRIMARY KEY,
    sub             TEXT NOT NULL,
    role            TEXT NOT NULL,
    municipality    TEXT,
    issued_at       TIMESTAMP NOT NULL,
    expires_at      TIMESTAMP NOT NULL,
    last_used_at    TIMESTAMP
);
CREATE INDEX issued_tokens_sub ON issued_tokens (sub);
