-- Settings > Certificates: key/certificate pairs. The private key is sealed (AES-GCM) with the key file in the
-- data directory; the certificate chain is PEM, leaf first.
CREATE TABLE moat_certificate (
    id              VARCHAR(36)     NOT NULL PRIMARY KEY,
    name            VARCHAR(200)    NOT NULL,
    sealed_key      VARCHAR(100000) NOT NULL,
    certificate_pem VARCHAR(200000) NOT NULL,
    created_at      TIMESTAMP       NOT NULL,
    updated_at      TIMESTAMP       NOT NULL,
    version         BIGINT          NOT NULL
);
