package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh (Debian package testssl.sh; .ci/run installs it) over an implicit-TLS endpoint with TLSv1.2 and
 * TLSv1.3: it must find exactly those protocols offered, forward-secret AEAD suites only (no CBC, 3DES or weaker),
 * no finite-field DH group, and rate nothing HIGH or CRITICAL. The endpoint serves a
 * certificate issued by a company CA made with openssl (with a CRL distribution point, as such CAs issue them);
 * testssl is given that CA as trusted.
 */
class ImplicitTlsScanIT {

    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1";
    private static final int PORT = 12466;

    @TempDir
    Path dir;

    private String endpoint;
    private String certificate;

    @BeforeEach
    void createEndpoint() throws Exception {
        TestBed.up();
        OpenSsl.issued(dir, "company", "mx", "mx.it.test");
        Api.Answer added = Api.send("POST", API + "/certificates", Json.createObjectBuilder().add("name", "testssl")
                .add("privateKey", Files.readString(dir.resolve("mx.key")))
                .add("certificate",
                        Files.readString(dir.resolve("mx.crt")) + Files.readString(dir.resolve("company.crt")))
                .build().toString());
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        certificate = ((JsonObject) added.json()).getString("id");
        Api.Answer created = Api.send("POST", API + "/smtp-endpoints", Json.createObjectBuilder().add("name", "testssl")
                .add("bindAddress", "127.0.0.1").add("port", PORT).add("encryption", "IMPLICIT_TLS")
                .add("certificateId", certificate)
                .add("protocols", Json.createArrayBuilder().add("TLSv1.2").add("TLSv1.3")).build().toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        endpoint = ((JsonObject) created.json()).getString("id");
    }

    @AfterEach
    void deleteEndpoint() {
        if (endpoint != null) {
            Api.send("DELETE", API + "/smtp-endpoints/" + endpoint, null);
        }
        if (certificate != null) {
            Api.send("DELETE", API + "/certificates/" + certificate, null);
        }
    }

    @Test
    void offersExactlyTheConfiguredProtocolsAndNothingRatedHighOrCritical() throws Exception {
        Path json = dir.resolve("testssl.json");
        Path ca = dir.resolve("company.crt");
        List<String> command = List.of("testssl", "--quiet", "--color", "0", "--warnings", "batch", "--add-ca",
                ca.toString(), "--jsonfile", json.toString(), "-p", "-s", "-f", "-U", "-S", "-E",
                "127.0.0.1:" + PORT);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("testssl.out").toFile()).start();
        assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("testssl finished").isTrue();
        String output = Files.readString(dir.resolve("testssl.out"), StandardCharsets.UTF_8);

        List<JsonObject> findings;
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(json)))) {
            findings = reader.readArray().getValuesAs(JsonObject.class);
        }
        Map<String, String> protocols = findings.stream()
                .filter(f -> List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")
                        .contains(f.getString("id")))
                .collect(Collectors.toMap(f -> f.getString("id"), f -> f.getString("finding")));
        assertThat(protocols).as(output).containsOnlyKeys("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3");
        assertThat(protocols.get("TLS1_2")).as(output).startsWith("offered");
        assertThat(protocols.get("TLS1_3")).as(output).startsWith("offered");
        for (String old : List.of("SSLv2", "SSLv3", "TLS1", "TLS1_1")) {
            assertThat(protocols.get(old)).as(old + "\n" + output).startsWith("not offered");
        }
        Map<String, String> byId = findings.stream()
                .collect(Collectors.toMap(f -> f.getString("id"), f -> f.getString("finding"), (a, b) -> a + "; " + b));
        assertThat(byId.get("cipherlist_STRONG")).as(output).startsWith("offered");
        for (String weaker : List.of("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT", "cipherlist_LOW",
                "cipherlist_3DES_IDEA", "cipherlist_AVERAGE")) {
            assertThat(byId.get(weaker)).as(weaker + "\n" + output).startsWith("not offered");
        }
        assertThat(byId).as(output).doesNotContainKey("DH_groups");
        // each suite offered (-E), by its IANA name: ECDHE with GCM or ChaCha20-Poly1305, or TLS 1.3's
        List<String> suites = findings.stream().filter(f -> f.getString("id").startsWith("cipher-tls")
                || f.getString("id").startsWith("cipher_x")).map(f -> f.getString("finding")).toList();
        assertThat(suites).as(output).isNotEmpty().allSatisfy(suite -> assertThat(suite)
                .containsPattern("TLS_AES_(128|256)_GCM_SHA|TLS_CHACHA20_POLY1305_SHA256|TLS_ECDHE_[A-Z]+_WITH_"
                        + "(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA"));
        List<String> severe = findings.stream()
                .filter(f -> List.of("HIGH", "CRITICAL").contains(f.getString("severity", "")))
                .map(f -> f.getString("id") + ": " + f.getString("finding")).toList();
        assertThat(severe).as(output).isEmpty();
    }
}
