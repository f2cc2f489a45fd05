-- A claim that fails (an exception, an Error such as OutOfMemoryError) is counted, so that a message that fails every
-- time is set aside (QUARANTINED) after a few instead of coming back forever; a successful claim resets the count.
ALTER TABLE moat_message ADD COLUMN failed_claims INT DEFAULT 0 NOT NULL;
-- How often a message's failed scans were submitted again: Core's "Failed" is retried within a budget, then the
-- message fails with a DSN.
ALTER TABLE moat_message ADD COLUMN scan_rounds INT DEFAULT 0 NOT NULL;
-- The gateway's own findings ("could not be fully inspected: ...") are longer than Core's labels.
ALTER TABLE moat_attachment ALTER COLUMN verdict_label SET DATA TYPE VARCHAR(512);
