package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The emulator over HTTPS: a client trusting its certificate gets answers, one that does not fails the handshake. */
class CoreEmulatorHttpsTest {

    private static final String KEY = CoreEmulator.DEFAULT_API_KEY;
    private static final String VERSION_JSON = "{\"product_id\":\"MDCore-emulator\",\"version\":\"4.18.0\"}";

    @TempDir
    Path dir;

    private CoreEmulator core;

    @AfterEach
    void stop() {
        if (core != null) {
            core.stop();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"RSA", "EC"})
    void answersClientsThatTrustItsCertificateOnly(String algorithm) throws Exception {
        keytoolCertificate(algorithm);
        core = CoreEmulator.builder().https(dir.resolve("key.pem"), dir.resolve("cert.pem")).build().start();
        assertThat(core.https()).isTrue();
        assertThat(core.baseUri().toString()).isEqualTo("https://127.0.0.1:" + core.port() + "/");

        HttpResponse<String> version = version(trusting(dir.resolve("cert.pem")), KEY);
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).isEqualTo(VERSION_JSON);
        assertThat(version(trusting(dir.resolve("cert.pem")), "wrong").statusCode()).isEqualTo(401);

        assertThatThrownBy(() -> version(HttpClient.newHttpClient(), KEY)).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void takesAKeyAndChainAsOpensslWritesThem() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl is not installed");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                dir.resolve("key.pem").toString(), "-out", dir.resolve("leaf.pem").toString(), "-days", "2", "-subj",
                "/CN=core.test", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        // as "openssl x509 -text" would leave them: text before each block
        Files.writeString(dir.resolve("chain.pem"),
                "subject=CN=core.test\n" + Files.readString(dir.resolve("leaf.pem")));
        core = CoreEmulator.builder().https(dir.resolve("key.pem"), dir.resolve("chain.pem")).build().start();

        assertThat(version(trusting(dir.resolve("leaf.pem")), KEY).body()).isEqualTo(VERSION_JSON);
    }

    @Test
    void takesAnSslContextAndServesAgainAfterARestart() throws Exception {
        keytoolCertificate("RSA");
        SSLContext context = CoreEmulator.sslContext(dir.resolve("key.pem"), dir.resolve("cert.pem"));
        core = CoreEmulator.builder().https(context).build().start();
        HttpClient client = trusting(dir.resolve("cert.pem"));
        assertThat(version(client, KEY).statusCode()).isEqualTo(200);

        core.stop();
        core.start();
        assertThat(version(HttpClient.newBuilder().sslContext(trustContext(dir.resolve("cert.pem"))).build(), KEY)
                .body()).isEqualTo(VERSION_JSON);
    }

    @Test
    void plainHttpStaysTheDefault() throws Exception {
        core = CoreEmulator.builder().build().start();
        assertThat(core.https()).isFalse();
        assertThat(core.baseUri().getScheme()).isEqualTo("http");
        assertThat(version(HttpClient.newHttpClient(), KEY).body()).isEqualTo(VERSION_JSON);
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedAtStartWithTheConversionToDo() throws Exception {
        keytoolCertificate("RSA");
        Path pkcs1 = Files.writeString(dir.resolve("rsa.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        CoreEmulator emulator = CoreEmulator.builder().https(pkcs1, dir.resolve("cert.pem")).build();

        assertThatThrownBy(emulator::start).isInstanceOf(IOException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThat(emulator.isRunning()).isFalse();
    }

    private HttpResponse<String> version(HttpClient client, String apiKey) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(core.baseUri().resolve("/version")).header("apikey", apiKey)
                .GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A client trusting just this certificate (and checking that it names 127.0.0.1). */
    private static HttpClient trusting(Path certificatePem) throws Exception {
        return HttpClient.newBuilder().sslContext(trustContext(certificatePem)).build();
    }

    /** A client context trusting just this certificate. */
    static SSLContext trustContext(Path certificatePem) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(certificatePem)) {
            trusted.setCertificateEntry("core", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /**
     * A self-signed certificate for 127.0.0.1 made by the JDK's keytool, written out as {@code key.pem} (PKCS#8) and
     * {@code cert.pem}.
     */
    private void keytoolCertificate(String algorithm) throws Exception {
        keytoolCertificate(dir, algorithm);
    }

    /** The same as {@link #keytoolCertificate(String)}, into {@code dir}. */
    static void keytoolCertificate(Path dir, String algorithm) throws Exception {
        Path store = dir.resolve("keytool.p12");
        Files.deleteIfExists(store);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "core", "-keyalg", algorithm, "-validity", "2", "-dname",
                "CN=core.test", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, "changeit".toCharArray());
        }
        Key key = keyStore.getKey("core", "changeit".toCharArray());
        assertThat(key.getFormat()).isEqualTo("PKCS#8");
        Certificate certificate = keyStore.getCertificate("core");
        Files.writeString(dir.resolve("key.pem"), pem("PRIVATE KEY", key.getEncoded()));
        Files.writeString(dir.resolve("cert.pem"), pem("CERTIFICATE", certificate.getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void openssl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        run(command);
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }
}
