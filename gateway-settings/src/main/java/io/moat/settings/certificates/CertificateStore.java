package io.moat.settings.certificates;

import io.moat.persistence.CertificateEntity;
import io.moat.persistence.CertificateRepository;
import io.moat.settings.ChangesSettings;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.Secrets;
import io.moat.tls.DigitalId;
import io.moat.tls.DigitalIdFiles;
import io.moat.tls.Finding;
import io.moat.tls.KeyStores;
import io.moat.tls.ParsedId;
import io.moat.tls.Pem;
import io.moat.tls.Severity;
import io.moat.tls.TlsException;
import io.moat.tls.Validator;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Settings > Certificates: key/certificate pairs in the database, private keys sealed with the key file in the data
 * directory, plus the digital ID from the data directory as a read-only entry. Every pair is validated before it
 * is stored; a pair in use cannot be deleted, and replacing one keeps its id so that its users pick up the new one.
 */
@ApplicationScoped
@Transactional
public class CertificateStore {

    /** The id of the read-only entry for the data directory's digital ID. */
    public static final String DIGITAL_ID = "digital-id";

    @Inject
    CertificateRepository repository;

    @Inject
    DigitalIdService digitalIds;

    @Inject
    GatewaySettings settings;

    @Inject
    @Any
    Instance<CertificateUsage> usages;

    @Inject
    Secrets secrets;

    /** One entry as an admin sees it: never the private key. */
    public record Entry(String id, String name, boolean readOnly, List<X509Certificate> chain,
            List<Finding> findings, List<String> usedBy, Instant createdAt, Instant updatedAt) {
    }

    public List<Entry> list() {
        List<Entry> entries = new ArrayList<>();
        digitalIdEntry().ifPresent(entries::add);
        for (CertificateEntity c : repository.list()) {
            entries.add(entry(c));
        }
        return entries;
    }

    public Optional<Entry> find(String id) {
        if (DIGITAL_ID.equals(id)) {
            return digitalIdEntry();
        }
        return repository.find(id).map(this::entry);
    }

    /** Validates and stores a new pair. */
    @ChangesSettings
    public Entry add(CertificateInput input) {
        ParsedId parsed = parse(input);
        String id = UUID.randomUUID().toString();
        CertificateEntity entity = new CertificateEntity(id, name(input, parsed.id()), seal(parsed.id(), id),
                Pem.encodeCertificates(parsed.id().chain()), Instant.now());
        repository.add(entity);
        return entry(entity, parsed.findings());
    }

    /** Renewal: validates the new pair and stores it under the same id; its users serve it from then on. */
    @ChangesSettings
    public Entry replace(String id, CertificateInput input) {
        refuseDigitalId(id, "replaced");
        CertificateEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        ParsedId parsed = parse(input);
        String name = input.name() == null || input.name().isBlank() ? entity.getName() : input.name().strip();
        entity.replace(name, seal(parsed.id(), id), Pem.encodeCertificates(parsed.id().chain()), Instant.now());
        for (CertificateUsage usage : usages) {
            usage.replaced(id);
        }
        return entry(entity, parsed.findings());
    }

    /** Deletes a pair nothing uses. */
    @ChangesSettings
    public void delete(String id) {
        refuseDigitalId(id, "deleted");
        CertificateEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        List<String> usedBy = usedBy(id);
        if (!usedBy.isEmpty()) {
            throw new RefusedException(Reason.CONFLICT, "certificate '" + entity.getName()
                    + "' is in use by " + String.join(", ", usedBy) + "; choose another certificate there first");
        }
        repository.delete(id);
    }

    /** The key and chain of an entry, for the parts of the gateway that serve it. */
    public Optional<DigitalId> digitalId(String id) {
        if (DIGITAL_ID.equals(id)) {
            return Optional.ofNullable(digitalIds.digitalId());
        }
        return repository.find(id).map(this::unseal);
    }

    /**
     * Writes an entry's key and chain as PKCS#12 (alias {@code moat}) to {@code file}, its folder made if needed: what
     * a WildFly key store serving it reads (console HTTPS, the webhook listener).
     *
     * @throws RefusedException ({@link Reason#INVALID}) when there is no such entry
     */
    public void writePkcs12(String id, Path file, char[] password) throws IOException {
        DigitalId digitalId = digitalId(id)
                .orElseThrow(() -> new RefusedException(Reason.INVALID, "no certificate with id '" + id + "'"));
        Files.createDirectories(file.getParent());
        KeyStores.write(KeyStores.pkcs12(digitalId, "moat", password), password, file);
    }

    private Optional<Entry> digitalIdEntry() {
        return digitalIds.loaded().map(loaded -> new Entry(DIGITAL_ID, "Digital ID (data directory)", true,
                loaded.id().chain(), combine(loaded.findings(), Validator.validate(loaded.id(), Instant.now())),
                usedBy(DIGITAL_ID), null, null));
    }

    private Entry entry(CertificateEntity c) {
        return entry(c, List.of());
    }

    private Entry entry(CertificateEntity c, List<Finding> parserFindings) {
        DigitalId id = unseal(c);
        return new Entry(c.getId(), c.getName(), false, id.chain(),
                combine(parserFindings, Validator.validate(id, Instant.now())), usedBy(c.getId()), c.getCreatedAt(),
                c.getUpdatedAt());
    }

    private static List<Finding> combine(List<Finding> first, List<Finding> second) {
        List<Finding> all = new ArrayList<>(first);
        second.stream().filter(f -> !all.contains(f)).forEach(all::add);
        return List.copyOf(all);
    }

    private List<String> usedBy(String id) {
        List<String> usedBy = new ArrayList<>();
        for (CertificateUsage usage : usages) {
            usedBy.addAll(usage.usesOf(id));
        }
        return usedBy;
    }

    private static ParsedId parse(CertificateInput input) {
        boolean combined = input.combinedPem() != null && !input.combinedPem().isBlank();
        boolean pair = input.privateKeyPem() != null && !input.privateKeyPem().isBlank()
                || input.certificatePem() != null && !input.certificatePem().isBlank();
        if (combined == pair) {
            throw new RefusedException(Reason.INVALID, "give either 'pem' (the private key and the"
                    + " certificate chain in one text) or both 'privateKey' and 'certificate'");
        }
        ParsedId parsed;
        try {
            parsed = combined
                    ? Pem.parseDigitalId(input.combinedPem(), input.passphrase())
                    : Pem.parseDigitalId(nonNull(input.privateKeyPem(), "privateKey"),
                            nonNull(input.certificatePem(), "certificate"), input.passphrase());
        } catch (TlsException e) {
            throw new RefusedException(Reason.INVALID, e.getMessage());
        }
        List<Finding> findings = Validator.validate(parsed.id(), Instant.now());
        if (Validator.hasErrors(findings)) {
            throw new RefusedException(Reason.INVALID, findings.stream()
                    .filter(f -> f.severity() == Severity.ERROR).map(Finding::message)
                    .collect(Collectors.joining("; ")));
        }
        return new ParsedId(parsed.id(), combine(parsed.findings(), findings));
    }

    private static String nonNull(String pem, String field) {
        if (pem == null || pem.isBlank()) {
            throw new RefusedException(Reason.INVALID, "'" + field + "' is missing: give both"
                    + " 'privateKey' and 'certificate', or the combined 'pem'");
        }
        return pem;
    }

    private static String name(CertificateInput input, DigitalId id) {
        if (input.name() != null && !input.name().isBlank()) {
            return input.name().strip();
        }
        return id.certificate().getSubjectX500Principal().getName();
    }

    private static void refuseDigitalId(String id, String what) {
        if (DIGITAL_ID.equals(id)) {
            throw new RefusedException(Reason.CONFLICT, "the digital ID comes from the data directory"
                    + " and cannot be " + what + " here: replace " + DigitalIdFiles.KEY + " and "
                    + DigitalIdFiles.CERTIFICATE + " (or " + DigitalIdFiles.COMBINED + ") there and restart");
        }
    }

    private static RefusedException notFound(String id) {
        return new RefusedException(Reason.NOT_FOUND, "no certificate with id '" + id + "'");
    }

    private String seal(DigitalId id, String certificateId) {
        return secrets.seal(Pem.encodePrivateKey(id.privateKey()).getBytes(StandardCharsets.US_ASCII),
                certificateId);
    }

    private DigitalId unseal(CertificateEntity c) {
        String keyPem = new String(secrets.open(c.getSealedKey(), c.getId(), "the private key of certificate '"
                + c.getName() + "'"), StandardCharsets.US_ASCII);
        try {
            return Pem.parseDigitalId(keyPem, c.getCertificatePem(), null).id();
        } catch (TlsException e) {
            throw new IllegalStateException("stored certificate '" + c.getName() + "' is unreadable: "
                    + e.getMessage(), e);
        }
    }

}
