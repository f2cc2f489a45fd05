-- After a partial delivery: the recipients still to deliver to, one per line (null: all of them).
ALTER TABLE moat_message ADD COLUMN pending_recipients VARCHAR(100000);
