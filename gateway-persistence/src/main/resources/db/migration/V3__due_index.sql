-- Only messages with work ahead are due: final states keep no due time, so the queue's index holds just the
-- pending messages and "what is due now" reads the first entries of it, however many delivered messages exist.
ALTER TABLE moat_message ALTER COLUMN next_attempt_at DROP NOT NULL;
UPDATE moat_message SET next_attempt_at = NULL WHERE state IN ('DELIVERED', 'BLOCKED', 'PASSWORD_REQUIRED', 'FAILED');
DROP INDEX moat_message_due;
CREATE INDEX moat_message_due ON moat_message (next_attempt_at);
