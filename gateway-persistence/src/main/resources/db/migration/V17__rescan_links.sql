-- The public rescan page's links (issue #31): one row per link given out for a message held for a password. The
-- token itself is never stored, only its SHA-256 (hex), so that a copy of the database opens no held message.
-- attempts: passwords tried through the link (a right one ends it: used_at); the link is refused past the stored
-- limit, after expires_at and once used. Links past their expiry are deleted as new ones are issued.
CREATE TABLE moat_rescan_link (
    token_hash  VARCHAR(64)  NOT NULL PRIMARY KEY,
    message_id  VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    expires_at  TIMESTAMP    NOT NULL,
    used_at     TIMESTAMP,
    attempts    INT          DEFAULT 0 NOT NULL
);
CREATE INDEX moat_rescan_link_expires ON moat_rescan_link (expires_at);
