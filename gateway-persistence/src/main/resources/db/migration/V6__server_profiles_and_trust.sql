-- Server profiles (SMTP downstreams, Core servers): the servers are a JSON list, their passwords sealed.
CREATE TABLE moat_server_profile (
    id                VARCHAR(36)     NOT NULL PRIMARY KEY,
    name              VARCHAR(64)     NOT NULL UNIQUE,
    profile_type      VARCHAR(16)     NOT NULL,
    strategy          VARCHAR(16)     NOT NULL,
    default_profile   BOOLEAN         NOT NULL,
    recipient_domains VARCHAR(100000),
    servers           VARCHAR(200000) NOT NULL,
    sealed_apikey     VARCHAR(4000),
    rule_name         VARCHAR(200),
    timeout_seconds   INT,
    created_at        TIMESTAMP       NOT NULL,
    updated_at        TIMESTAMP       NOT NULL,
    version           BIGINT          NOT NULL
);

-- The gateway's trust store: CA or server certificates (PEM) trusted for outbound TLS.
CREATE TABLE moat_trusted_certificate (
    id              VARCHAR(36)     NOT NULL PRIMARY KEY,
    name            VARCHAR(200)    NOT NULL,
    certificate_pem VARCHAR(200000) NOT NULL,
    created_at      TIMESTAMP       NOT NULL
);

-- What each delivery attempt's connection was: TLS version and cipher (null: clear text).
ALTER TABLE moat_delivery_attempt ADD COLUMN tls_protocol VARCHAR(32);
ALTER TABLE moat_delivery_attempt ADD COLUMN tls_cipher VARCHAR(128);
