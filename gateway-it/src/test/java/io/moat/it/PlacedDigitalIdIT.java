package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's own digital ID, made with openssl and placed in the data directory before the start: first as
 * key.pem + cert.pem, then (after a restart) as the combined tls.pem with its blocks in another order. STARTTLS on
 * the SMTP port presents exactly that certificate each time.
 */
class PlacedDigitalIdIT {

    private DedicatedGateway gateway;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void keyAndCertificateFilesThenTheCombinedFileAreServed() throws Exception {
        gateway = DedicatedGateway.prepare(2, "placed-id", List.of());
        Path made = gateway.dataDir.resolveSibling("openssl");
        OpenSsl.selfSigned(made, "ec", "operator-ec.it.test", true);
        OpenSsl.selfSigned(made, "rsa", "operator-rsa.it.test", false);
        Files.createDirectories(gateway.dataDir);
        Files.copy(made.resolve("ec.key"), gateway.dataDir.resolve("key.pem"));
        Files.copy(made.resolve("ec.crt"), gateway.dataDir.resolve("cert.pem"));

        gateway.startServer();
        OpenSsl.Handshake first = OpenSsl.connect(gateway.smtpPort, "-starttls", "smtp");
        assertThat(first.established()).as(first.output()).isTrue();
        assertThat(OpenSsl.fingerprint(first.certificatePem())).isEqualTo(OpenSsl.fingerprint(made.resolve("ec.crt")));

        gateway.server.stop();
        // tls.pem takes precedence over key.pem + cert.pem; certificate first, key after it
        Files.writeString(gateway.dataDir.resolve("tls.pem"),
                Files.readString(made.resolve("rsa.crt")) + Files.readString(made.resolve("rsa.key")));
        gateway.startServer();
        OpenSsl.Handshake second = OpenSsl.connect(gateway.smtpPort, "-starttls", "smtp");
        assertThat(second.established()).as(second.output()).isTrue();
        assertThat(OpenSsl.fingerprint(second.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("rsa.crt")));
    }
}
