package io.moat.tls;

import io.moat.tls.internal.DigitalIdReader;
import io.moat.tls.internal.DigitalIdReader.Source;
import io.moat.tls.internal.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The digital ID in the data directory: {@code tls.pem} (key and chain in one file), or {@code key.pem} +
 * {@code cert.pem}, or, when there is neither, a self-signed one generated on the spot and written as
 * {@code key.pem} + {@code cert.pem}.
 */
public final class DigitalIdFiles {

    public static final String COMBINED = "tls.pem", KEY = "key.pem", CERTIFICATE = "cert.pem";

    /** How long a generated self-signed digital ID is valid. */
    static final Duration GENERATED_VALIDITY = Duration.ofDays(365);

    /**
     * The loaded ID, the files it came from (or was written to), whether it was generated just now, and the
     * parser's and the {@link Validator}'s findings.
     */
    public record Loaded(DigitalId id, List<Path> files, boolean generated, List<Finding> findings) {

        public Loaded {
            Objects.requireNonNull(id, "id");
            files = List.copyOf(files);
            findings = List.copyOf(findings);
        }
    }

    private DigitalIdFiles() {
    }

    /**
     * {@code tls.pem} if it exists (then {@code key.pem}/{@code cert.pem} are ignored, with a warning); otherwise
     * {@code key.pem} + {@code cert.pem}. Only one of those two is a {@link TlsException} naming the other: an
     * operator's half-placed files are never generated over. None of the three: a self-signed ID for
     * {@code hostName}, valid 365 days, written owner-read/write only (the directory is created if missing).
     */
    public static Loaded loadOrCreate(Path directory, char[] passphrase, String hostName, Instant now)
            throws TlsException, IOException {
        Path combined = directory.resolve(COMBINED);
        Path key = directory.resolve(KEY);
        Path certificate = directory.resolve(CERTIFICATE);
        List<Finding> findings = new ArrayList<>();
        ParsedId parsed;
        List<Path> files;
        if (Files.exists(combined)) {
            if (Files.exists(key) || Files.exists(certificate)) {
                findings.add(new Finding(Severity.WARNING, COMBINED + " is used; " + KEY + " and " + CERTIFICATE
                        + " in the same directory are ignored (remove them to avoid confusion)"));
            }
            parsed = withSettingNamed(() -> DigitalIdReader.read(source(combined), passphrase));
            files = List.of(combined);
        } else if (Files.exists(key) && Files.exists(certificate)) {
            parsed = withSettingNamed(() -> DigitalIdReader.read(source(key), source(certificate), passphrase));
            files = List.of(key, certificate);
        } else if (Files.exists(key) || Files.exists(certificate)) {
            String present = Files.exists(key) ? KEY : CERTIFICATE;
            String missing = Files.exists(key) ? CERTIFICATE : KEY;
            throw new TlsException(missing + " is missing: " + present + " is in " + directory + " but " + missing
                    + " is not; add it (or put key and certificate chain together into " + COMBINED + "), or remove "
                    + present + " to have a self-signed digital ID generated");
        } else {
            DigitalId generated = generate(directory, hostName, now, key, certificate);
            return new Loaded(generated, List.of(key, certificate), true, Validator.validate(generated, now));
        }
        findings.addAll(parsed.findings());
        findings.addAll(Validator.validate(parsed.id(), now));
        return new Loaded(parsed.id(), files, false, findings);
    }

    /** Reading the data directory's files: a passphrase problem names the setting that gives the passphrase. */
    private static ParsedId withSettingNamed(Reading reading) throws TlsException, IOException {
        try {
            return reading.read();
        } catch (TlsException e) {
            if (!e.isAboutThePassphrase()) {
                throw e;
            }
            throw TlsException.passphrase(e.getMessage() + "; set moat.tls.key-passphrase (or"
                    + " MOAT_TLS_KEY_PASSPHRASE) to the key's passphrase", e);
        }
    }

    private interface Reading {
        ParsedId read() throws TlsException, IOException;
    }

    private static Source source(Path file) throws IOException {
        // ISO-8859-1 keeps every byte as one char: DER given by mistake stays recognisable
        String name = file.getFileName().toString();
        return new Source(Files.readString(file, StandardCharsets.ISO_8859_1), name, name + ": ");
    }

    private static DigitalId generate(Path directory, String hostName, Instant now, Path key, Path certificate)
            throws IOException {
        DigitalId id = SelfSigned.generate(hostName, now, GENERATED_VALIDITY);
        Files.createDirectories(directory);
        SecureFiles.create(key, Pem.encodePrivateKey(id.privateKey()).getBytes(StandardCharsets.US_ASCII));
        SecureFiles.create(certificate, Pem.encodeCertificates(id.chain()).getBytes(StandardCharsets.US_ASCII));
        return id;
    }
}
