package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A key/certificate pair of Settings > Certificates. The private key is stored sealed (encrypted by the caller),
 * never in clear; the chain is PEM text, leaf first.
 */
@Entity
@Table(name = "moat_certificate")
public class CertificateEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "sealed_key")
    private String sealedKey;

    @Column(name = "certificate_pem")
    private String certificatePem;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Version
    private long version;

    protected CertificateEntity() {
        // for JPA
    }

    public CertificateEntity(String id, String name, String sealedKey, String certificatePem, Instant now) {
        this.id = id;
        this.name = name;
        this.sealedKey = sealedKey;
        this.certificatePem = certificatePem;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Renewal: new key and chain under the same id, so everything using it picks them up. */
    public void replace(String name, String sealedKey, String certificatePem, Instant now) {
        this.name = name;
        this.sealedKey = sealedKey;
        this.certificatePem = certificatePem;
        this.updatedAt = now;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getSealedKey() {
        return sealedKey;
    }

    public String getCertificatePem() {
        return certificatePem;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    @Override
    public String toString() {
        return "CertificateEntity[" + id + ", " + name + "]"; // never the sealed key
    }
}
