package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Settings > Certificates and console HTTPS on a server of its own: certificates made with openssl are added over
 * REST, HTTPS is switched on with one of them and a single protocol version, the certificate is renewed and HTTPS
 * switched off again, each taking effect at once; openssl s_client checks what the HTTPS port serves. While HTTPS is
 * on, plain HTTP gets no further than a 403 (the REST API) or a redirect to the public server address (the console),
 * and HTTPS answers carry HSTS and Secure cookies.
 */
class ConsoleTlsIT {

    private DedicatedGateway gateway;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void certificatesAreManagedAndConsoleHttpsFollowsTheSettingWithoutRestart() throws Exception {
        gateway = DedicatedGateway.start(3, "console-tls", List.of());
        Path made = gateway.dataDir.resolveSibling("openssl");
        OpenSsl.selfSigned(made, "first", "console-first.it.test", false);
        OpenSsl.selfSigned(made, "second", "console-second.it.test", true);
        OpenSsl.selfSigned(made, "other", "other.it.test", true);
        String http = "http://127.0.0.1:" + gateway.httpPort + "/api/v1";
        String https = "https://localhost:" + gateway.httpsPort + "/api/v1";
        HttpClient trusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(Trust.trusting(made.resolve("first.crt"), made.resolve("second.crt"))).build();

        // HTTPS is off by default: nothing listens on its port
        assertThat(OpenSsl.connect(gateway.httpsPort).established()).isFalse();
        assertThat(json(Api.send("GET", http + "/settings/general", null)).getString("publicAddress"))
                .startsWith("http://");

        // a key that belongs to another certificate is refused in the validator's words
        Api.Answer mismatch = Api.send("POST", http + "/certificates",
                pair("mismatch", made.resolve("other.key"), made.resolve("first.crt")));
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.contentType()).startsWith("application/problem+json");
        assertThat(mismatch.body()).contains("does not match");

        Api.Answer added = Api.send("POST", http + "/certificates",
                pair("console", made.resolve("first.key"), made.resolve("first.crt")));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        JsonObject certificate = (JsonObject) added.json();
        String id = certificate.getString("id");
        assertThat(certificate.getString("sha256Fingerprint"))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("first.crt")));
        assertThat(added.body()).doesNotContain("PRIVATE KEY");
        assertThat(added.location()).endsWith("/certificates/" + id);

        // the address browsers use: console redirects go there, never to the host a request names
        assertThat(Api.send("PUT", http + "/settings/general", "{\"publicAddress\": \"http://localhost:"
                + gateway.httpPort + "\"}").status()).isEqualTo(200);

        // on, TLS 1.3 only
        Api.Answer on = Api.send("PUT", http + "/settings/security/console-tls",
                "{\"enabled\": true, \"certificateId\": \"" + id + "\", \"protocols\": [\"TLSv1.3\"]}");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        OpenSsl.Handshake tls13 = OpenSsl.connect(gateway.httpsPort, "-tls1_3");
        assertThat(tls13.established()).as(tls13.output()).isTrue();
        assertThat(OpenSsl.fingerprint(tls13.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("first.crt")));
        assertThat(OpenSsl.connect(gateway.httpsPort, "-tls1_2").established()).isFalse();

        // TLS 1.2 too: forward-secret AEAD suites only, none with CBC or without an ephemeral key exchange
        Api.Answer both = Api.send(trusting, "PUT", https + "/settings/security/console-tls",
                "{\"enabled\": true, \"certificateId\": \"" + id + "\", \"protocols\": [\"TLSv1.2\", \"TLSv1.3\"]}");
        assertThat(both.status()).as(both.body()).isEqualTo(200);
        OpenSsl.Handshake gcm = OpenSsl.connect(gateway.httpsPort, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");
        assertThat(gcm.established()).as(gcm.output()).isTrue();
        assertThat(gcm.output()).contains("ECDHE-RSA-AES128-GCM-SHA256");
        for (String refused : List.of("ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-GCM-SHA256",
                "AES256-SHA256")) {
            OpenSsl.Handshake handshake = OpenSsl.connect(gateway.httpsPort, "-tls1_2", "-cipher", refused);
            assertThat(handshake.established()).as(refused + "\n" + handshake.output()).isFalse();
        }
        assertThat(OpenSsl.connect(gateway.httpsPort, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
                .established()).isTrue();

        // the certificate in use expires within 30 days (openssl made it for 20): readiness reports it, still up
        Api.Answer ready = Api.get("http://127.0.0.1:" + gateway.managementPort + "/health/ready", null, true);
        JsonObject check = ((JsonObject) ready.json()).getJsonArray("checks").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("name").equals("moat-certificates")).findFirst().orElseThrow();
        assertThat(check.getString("status")).isEqualTo("UP");
        assertThat(check.getJsonObject("data").getInt("expiringWithin30Days")).isEqualTo(1);
        assertThat(check.getJsonObject("data").getString("console")).contains("console HTTPS");

        // plain HTTP: the REST API is refused, not redirected (its credentials must not be invited to cross in
        // clear), whatever the path looks like; console pages go to the public address, now https on the HTTPS port
        String plain = "http://127.0.0.1:" + gateway.httpPort;
        Api.Answer refused = Api.send("GET", http + "/settings/general", null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body()).contains("HTTPS required");
        assertThat(refused.location()).isNull();
        RawHttp raw = new RawHttp("127.0.0.1", gateway.httpPort);
        for (String path : new String[]{"/api/v1/messages", "//api/v1/messages", "/api;x/v1/messages"}) {
            RawHttp.Response api = raw.get(path);
            assertThat(api.status()).as(path).isEqualTo(403);
            assertThat(api.header("Location")).as(path).isNull();
            assertThat(api.header("WWW-Authenticate")).as(path).isNull();
        }
        RawHttp.Response forged = new RawHttp("127.0.0.1", gateway.httpPort).header("Host", "evil.example")
                .get("/settings/security.xhtml?tab=tls");
        assertThat(forged.status()).isEqualTo(308);
        assertThat(forged.header("Location"))
                .isEqualTo("https://localhost:" + gateway.httpsPort + "/settings/security.xhtml?tab=tls");
        assertThat(Api.get(plain + "/login.xhtml", null, true).location())
                .isEqualTo("https://localhost:" + gateway.httpsPort + "/login.xhtml");
        assertThat(json(Api.send(trusting, "GET", https + "/settings/general", null)).getString("publicAddress"))
                .isEqualTo("https://localhost:" + gateway.httpsPort);

        // over HTTPS: HSTS on every answer, cookies only for HTTPS
        HttpResponse<String> signInPage = trusting.send(HttpRequest.newBuilder(URI.create("https://localhost:"
                + gateway.httpsPort + "/login.xhtml")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signInPage.statusCode()).isEqualTo(200);
        assertThat(signInPage.headers().firstValue("Strict-Transport-Security")).contains("max-age=31536000");
        assertThat(signInPage.headers().allValues("Set-Cookie")).isNotEmpty()
                .allSatisfy(cookie -> assertThat(cookie.toLowerCase(Locale.ROOT)).contains("; secure"));
        HttpResponse<String> unauthorized = trusting.send(HttpRequest.newBuilder(URI.create(https + "/messages"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unauthorized.statusCode()).isEqualTo(401);
        assertThat(unauthorized.headers().firstValue("Strict-Transport-Security")).isPresent();

        // in use: cannot be deleted
        Api.Answer delete = Api.send(trusting, "DELETE", https + "/certificates/" + id, null);
        assertThat(delete.status()).isEqualTo(409);
        assertThat(delete.body()).contains("console");

        // renewal keeps the id; the next handshake presents the new certificate
        Api.Answer renewed = Api.send(trusting, "PUT", https + "/certificates/" + id,
                pair("console", made.resolve("second.key"), made.resolve("second.crt")));
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        OpenSsl.Handshake after = OpenSsl.connect(gateway.httpsPort, "-tls1_3");
        assertThat(OpenSsl.fingerprint(after.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("second.crt")));

        // off again: the port closes, plain HTTP serves, the public address is http again
        Api.Answer off = Api.send(trusting, "PUT", https + "/settings/security/console-tls",
                "{\"enabled\": false}");
        assertThat(off.status()).as(off.body()).isEqualTo(200);
        assertThat(OpenSsl.connect(gateway.httpsPort).established()).isFalse();
        assertThat(json(Api.send("GET", http + "/settings/general", null)).getString("publicAddress"))
                .startsWith("http://");
        assertThat(Api.send("DELETE", http + "/certificates/" + id, null).status()).isEqualTo(204);
    }

    private static String pair(String name, Path key, Path certificate) throws IOException {
        return OpenSsl.pair(name, key, certificate);
    }

    private static JsonObject json(Api.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (JsonObject) answer.json();
    }
}
