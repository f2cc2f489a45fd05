-- The message list and the console's search show the newest first. With an ascending index only, H2 read and
-- sorted the whole table for every page (0.85 s at 200,000 messages); these let it read just the page, also
-- within one state. The ascending index on received_at is replaced by the descending one, which serves the
-- dashboard's "received since" ranges as well.
DROP INDEX moat_message_received;
CREATE INDEX moat_message_newest ON moat_message (received_at DESC);
CREATE INDEX moat_message_state_newest ON moat_message (state, received_at DESC);
