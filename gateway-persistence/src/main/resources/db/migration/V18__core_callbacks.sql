-- Core's webhook callbacks (issue #32). A Core profile's webhook settings, as JSON (null: callbacks off).
ALTER TABLE moat_server_profile ADD COLUMN webhook VARCHAR(4000);
-- How many files a Core profile may have in flight (submitted, no verdict yet) per server; null: the default.
ALTER TABLE moat_server_profile ADD COLUMN max_in_flight INT;

-- One row per file submitted with a callbackurl: the token in that URL is never stored, only its SHA-256 (hex), so
-- that a copy of the database forges no callback. A callback uses its row up (deleted: a replay finds nothing) and
-- only makes the message due now; the verdict is read from Core. Rows past expires_at are deleted as new ones are
-- issued.
CREATE TABLE moat_core_callback (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    message_id  VARCHAR(64)  NOT NULL,
    data_id     VARCHAR(64)  NOT NULL,
    expires_at  TIMESTAMP    NOT NULL
);
CREATE INDEX moat_core_callback_expires ON moat_core_callback (expires_at);
-- a message is made due by the callback of its last file: the others awaited are found by the message
CREATE INDEX moat_core_callback_message ON moat_core_callback (message_id);
