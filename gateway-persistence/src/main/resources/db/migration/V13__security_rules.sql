-- Security rules (issue #30): ordered, first match wins. The filter, the profiles, the actions and the marks are one
-- JSON document (read and written by the settings module); name, position and the enabled flag are columns so that
-- the list is ordered and named in SQL.
CREATE TABLE moat_security_rule (
    id          VARCHAR(36)     NOT NULL PRIMARY KEY,
    name        VARCHAR(64)     NOT NULL UNIQUE,
    rule_position INT           NOT NULL,
    enabled     BOOLEAN         NOT NULL,
    definition  VARCHAR(200000) NOT NULL,
    created_at  TIMESTAMP       NOT NULL,
    updated_at  TIMESTAMP       NOT NULL,
    version     BIGINT          NOT NULL
);

-- The default rule is what the gateway did before rules: every message from every client on every endpoint, the
-- default Core profile with its own rule, each recipient to the SMTP profile routing its domain (else the default
-- profile), bodies scanned too, blocked content quarantined, encrypted content held for a password, failed scans
-- retried within moat.scan.max-attempts / moat.scan.max-time, no marks.
INSERT INTO moat_security_rule (id, name, rule_position, enabled, definition, created_at, updated_at, version)
VALUES ('00000000-0000-0000-0000-00000000d3fa', 'default', 1, TRUE,
        '{"filter":{"direction":"INBOUND"},"scanBody":true,"actions":{"blocked":"QUARANTINE","encrypted":"QUARANTINE","scanError":"RETRY"}}',
        CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 0);

-- Each message records the rule that took it (by id, and by name for the record once the rule is gone), its
-- direction, what the scan concluded (the outcome), what the rule did about it (the action) and which marks were
-- added. Mail stored before rules existed continues under the default rule.
ALTER TABLE moat_message ADD COLUMN rule_id VARCHAR(36);
ALTER TABLE moat_message ADD COLUMN rule_name VARCHAR(64);
ALTER TABLE moat_message ADD COLUMN direction VARCHAR(16);
ALTER TABLE moat_message ADD COLUMN outcome VARCHAR(32);
ALTER TABLE moat_message ADD COLUMN rule_action VARCHAR(32);
ALTER TABLE moat_message ADD COLUMN marks VARCHAR(1000);
UPDATE moat_message SET rule_id = '00000000-0000-0000-0000-00000000d3fa', rule_name = 'default',
    direction = 'INBOUND' WHERE kind <> 'DSN';
CREATE INDEX moat_message_rule ON moat_message (rule_name, received_at);

-- Where each part lives in the stored message (the outermost MIME entity holding it, as byte offsets), so that a rule
-- can delete blocked content, and whether it is a text body (a rule may scan attachments only). Parts recorded before
-- have no offsets: their message is quarantined rather than cut blind if a rule wants content deleted.
ALTER TABLE moat_attachment ADD COLUMN entity_start BIGINT;
ALTER TABLE moat_attachment ADD COLUMN entity_end BIGINT;
ALTER TABLE moat_attachment ADD COLUMN body_part BOOLEAN DEFAULT FALSE NOT NULL;
