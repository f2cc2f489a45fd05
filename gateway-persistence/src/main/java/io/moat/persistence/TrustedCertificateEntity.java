package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A CA or server certificate the gateway trusts for its outbound TLS connections (PEM). */
@Entity
@Table(name = "moat_trusted_certificate")
public class TrustedCertificateEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "certificate_pem")
    private String certificatePem;

    @Column(name = "created_at")
    private Instant createdAt;

    protected TrustedCertificateEntity() {
        // for JPA
    }

    public TrustedCertificateEntity(String id, String name, String certificatePem, Instant createdAt) {
        this.id = id;
        this.name = name;
        this.certificatePem = certificatePem;
        this.createdAt = createdAt;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public String getCertificatePem() {
        return certificatePem;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
