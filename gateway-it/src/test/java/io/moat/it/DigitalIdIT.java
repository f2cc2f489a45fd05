package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared IT server started with an empty data directory: it generated a self-signed digital ID, wrote it as
 * key.pem/cert.pem (owner-only), and serves exactly that certificate to STARTTLS on the SMTP port.
 */
class DigitalIdIT {

    private static final Path DATA = Path.of(System.getProperty("it.data", "target/it-data"));

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void generatedDigitalIdIsWhatStarttlsOnTheSmtpPortPresents() throws Exception {
        Path certificate = DATA.resolve("cert.pem");
        assertThat(certificate).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA.resolve("key.pem"))))
                .isEqualTo("rw-------");

        OpenSsl.Handshake handshake = OpenSsl.connect(TestBed.SMTP_PORT, "-starttls", "smtp");

        assertThat(handshake.established()).as(handshake.output()).isTrue();
        assertThat(OpenSsl.fingerprint(handshake.certificatePem())).isEqualTo(OpenSsl.fingerprint(certificate));
    }

    @Test
    void digitalIdIsListedReadOnlyWithoutItsKey() throws Exception {
        Api.Answer answer = Api.get("/api/v1/certificates/digital-id");
        assertThat(answer.status()).isEqualTo(200);
        JsonObject id = (JsonObject) answer.json();
        assertThat(id.getBoolean("readOnly")).isTrue();
        assertThat(id.getString("sha256Fingerprint")).isEqualTo(OpenSsl.fingerprint(DATA.resolve("cert.pem")));
        assertThat(id.getJsonArray("subjectAlternativeNames").getValuesAs(jakarta.json.JsonString.class))
                .extracting(jakarta.json.JsonString::getString).contains("DNS:localhost");
        assertThat(id.getJsonArray("usedBy").toString()).contains("SMTP");
        assertThat(answer.body()).doesNotContain("PRIVATE KEY").doesNotContain("privateKey");

        Api.Answer delete = Api.send("DELETE", "http://127.0.0.1:" + TestBed.HTTP_PORT
                + "/api/v1/certificates/digital-id", null);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.contentType()).startsWith("application/problem+json");
        assertThat(delete.body()).contains("data directory");
    }

    @Test
    void mailOverStarttlsIsRecordedWithItsProtocolAndCipher() throws Exception {
        String testId = UUID.randomUUID().toString();
        String id = Swaks.send("--tls", "--to", "user@example.com", "--add-header", "X-Test-Id: " + testId);

        await().atMost(Duration.ofSeconds(60)).until(() -> TestBed.delivered(testId).size() == 1);
        ReceivedMail mail = TestBed.delivered(testId).get(0);
        String received = mail.text().substring(0, mail.text().indexOf("\r\n\r\n"));
        assertThat(received).containsPattern("with ESMTPS[^;]*\\(TLSv1\\.[23] TLS_");
        JsonObject client = Api.message(id).getJsonObject("client");
        assertThat(client.getString("tlsProtocol")).startsWith("TLSv1.");
        assertThat(client.getString("tlsCipher")).startsWith("TLS_");
    }
}
