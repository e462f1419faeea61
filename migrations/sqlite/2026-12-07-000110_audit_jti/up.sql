-- The audit log names the token each write was made with (its jti), so that an action
-- can be traced to one token, not only to a sub that several tokens may share.
ALTER TABLE audit_events ADD COLUMN actor_jti TEXT;
