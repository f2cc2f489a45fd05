-- Inbound SMTP endpoints (Settings > Security): each listens with its own TLS mode, certificate, versions,
-- limits and relay rules. Lists are stored one entry per line.
CREATE TABLE moat_smtp_endpoint (
    id                   VARCHAR(36)    NOT NULL PRIMARY KEY,
    name                 VARCHAR(64)    NOT NULL UNIQUE,
    bind_address         VARCHAR(64)    NOT NULL,
    port                 INT            NOT NULL,
    encryption           VARCHAR(32)    NOT NULL,
    certificate_id       VARCHAR(36),
    protocols            VARCHAR(200),
    cipher_suites        VARCHAR(10000),
    greeting             VARCHAR(255),
    max_message_size     BIGINT         NOT NULL,
    max_connections      INT            NOT NULL,
    idle_timeout_seconds INT            NOT NULL,
    relay_domains        VARCHAR(100000),
    trusted_networks     VARCHAR(100000),
    created_at           TIMESTAMP      NOT NULL,
    updated_at           TIMESTAMP      NOT NULL,
    version              BIGINT         NOT NULL
);
