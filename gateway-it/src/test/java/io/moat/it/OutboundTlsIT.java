package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.ReceivedMail;
import io.moat.testkit.SmtpClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outbound TLS through server profiles, against a real MTA: a Postfix of the test's own on loopback ports (one
 * smtpd with STARTTLS and a certificate from a test CA, one in smtps wrapper mode, one without TLS) relaying to a
 * sink. Postfix's own Received: header tells whether the gateway's connection to it was TLS. The gateway runs on a
 * server of its own, so that its profiles and trust store are the test's.
 */
class OutboundTlsIT {

    private static final PostfixDownstream.Ports PORTS = PostfixDownstream.Ports.from(14025);
    private static final String DOMAINS = "example.com,tls.test,plain.test,required.test,strict.test,smtps.test,"
            + "failover.test,fail.test,opportunistic.test";

    private DedicatedGateway gateway;
    private PostfixDownstream postfix;
    private CoreEmulator core;

    @AfterEach
    void tearDown() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (postfix != null) {
            postfix.close();
        }
        if (core != null) {
            core.stop();
        }
    }

    @Test
    void profilesDeliverWithTheTlsTheyAskForAndNeverFallBackWhenRequired() throws Exception {
        Path dir = Path.of("target/outbound-tls").toAbsolutePath();
        OpenSsl.issued(dir.resolve("ca"), "company", "downstream", "downstream.it.test");
        postfix = PostfixDownstream.start(dir.resolve("postfix"), PORTS, dir.resolve("ca/downstream.key"),
                dir.resolve("ca/downstream.crt"), List.of("smtpd_recipient_restrictions = check_recipient_access"
                        + " inline:{{nobody@fail.test = 550 5.1.1 user unknown}}, permit_mynetworks, reject"));
        gateway = DedicatedGateway.start(4, "outbound-tls", List.of("-Dmoat.relay-domains=" + DOMAINS));
        String api = "http://127.0.0.1:" + gateway.httpPort + "/api/v1";

        profile(api, "required", "required.test", server("smtp://127.0.0.1:" + PORTS.starttls(), "STARTTLS_REQUIRED"));
        profile(api, "tls", "tls.test", server("smtp://127.0.0.1:" + PORTS.starttls(), "STARTTLS_OPTIONAL"));
        profile(api, "opportunistic", "opportunistic.test", server("smtp://127.0.0.1:" + PORTS.starttls(),
                "STARTTLS_OPTIONAL"));
        profile(api, "plain", "plain.test", server("smtp://127.0.0.1:" + PORTS.plain(), "STARTTLS_OPTIONAL"));
        profile(api, "strict", "strict.test", server("smtp://127.0.0.1:" + PORTS.plain(), "STARTTLS_REQUIRED"));
        profile(api, "smtps", "smtps.test", server("smtps://127.0.0.1:" + PORTS.smtps(), null));
        profile(api, "failover", "failover.test", server("smtp://127.0.0.1:14999", "NONE"),
                server("smtp://127.0.0.1:" + PORTS.plain(), "NONE"));
        profile(api, "fail", "fail.test", server("smtp://127.0.0.1:" + PORTS.plain(), "NONE"));

        // the test CA is not trusted yet: required STARTTLS defers, with the reason, and sends nothing in clear
        Mails untrusted = new Mails();
        String waiting = send(untrusted, "bob@required.test");
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEFERRED".equals(state(api, waiting)));
        assertThat(message(api, waiting).getString("lastError")).containsIgnoringCase("trust");
        assertThat(postfix.delivered(untrusted.testId())).isEmpty();
        JsonObject listed = ((jakarta.json.JsonArray) Api.send("GET", api + "/messages?state=DEFERRED", null).json())
                .getValuesAs(JsonObject.class).stream().filter(m -> m.getString("id").equals(waiting)).findFirst()
                .orElseThrow();
        assertThat(listed.getString("nextAttemptAt")).isNotBlank();
        assertThat(listed.getString("lastError")).containsIgnoringCase("trust");

        // optional STARTTLS to that server meanwhile: the certificate does not verify, the mail goes encrypted all
        // the same, never in clear text (RFC 7435), and the attempt says it was not verified and why
        Mails opportunistic = new Mails();
        String unverified = send(opportunistic, "bob@opportunistic.test");
        assertThat(PostfixDownstream.viaTls(arrived(opportunistic))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(api, unverified)));
        JsonObject encrypted = lastAttempt(api, unverified);
        assertThat(encrypted.getString("tlsProtocol")).startsWith("TLSv1.");
        assertThat(encrypted.getString("tlsCipher"))
                .matches("TLS_AES_.*|TLS_CHACHA20_.*|TLS_ECDHE_.*_(GCM|POLY1305)_.*");
        assertThat(encrypted.getString("reply")).contains("TLS without verification")
                .containsIgnoringCase("not trusted");
        assertThat(message(api, unverified).getJsonArray("deliveryAttempts")).hasSize(1);

        // trust the CA, retry now: delivered over TLS
        Api.Answer trusted = Api.send("POST", api + "/trusted-certificates", Json.createObjectBuilder()
                .add("name", "company CA").add("pem", Files.readString(dir.resolve("ca/company.crt"))).build()
                .toString());
        assertThat(trusted.status()).as(trusted.body()).isEqualTo(201);
        assertThat(Api.send("POST", api + "/messages/" + waiting + "/retry", null).status()).isEqualTo(202);
        ReceivedMail afterTrust = arrived(untrusted);
        assertThat(PostfixDownstream.viaTls(afterTrust)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(api, waiting)));
        JsonObject attempt = lastAttempt(api, waiting);
        assertThat(attempt.getString("tlsProtocol")).startsWith("TLSv1.");
        assertThat(attempt.getString("tlsCipher")).startsWith("TLS_");

        // optional STARTTLS: over TLS to the TLS server (verified, now that its CA is trusted), in clear to the plain one
        Mails tls = new Mails();
        String verified = send(tls, "bob@tls.test");
        assertThat(PostfixDownstream.viaTls(arrived(tls))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(api, verified)));
        assertThat(lastAttempt(api, verified).getString("reply")).doesNotContain("without verification");
        Mails plain = new Mails();
        String clear = send(plain, "bob@plain.test");
        assertThat(PostfixDownstream.viaTls(arrived(plain))).isFalse();
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(api, clear)));
        assertThat(lastAttempt(api, clear).getString("reply")).containsIgnoringCase("clear text");

        // required STARTTLS to the plain server: deferred with the reason, nothing delivered in clear text
        Mails strict = new Mails();
        String refused = send(strict, "bob@strict.test");
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEFERRED".equals(state(api, refused)));
        assertThat(message(api, refused).getString("lastError")).contains("STARTTLS");
        Thread.sleep(2000);
        assertThat(postfix.delivered(strict.testId())).isEmpty();

        // smtps: implicit TLS
        Mails smtps = new Mails();
        send(smtps, "bob@smtps.test");
        assertThat(PostfixDownstream.viaTls(arrived(smtps))).isTrue();

        // failover: the first server is down, the second takes the mail
        Mails failover = new Mails();
        String second = send(failover, "bob@failover.test");
        arrived(failover);
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(api, second)));
        assertThat(lastAttempt(api, second).getString("server")).contains(String.valueOf(PORTS.plain()));

        // a 5xx from the MTA: failed, and the sender gets a DSN (delivered through the default profile's sink)
        Mails bounced = new Mails();
        String failed = send(bounced, "nobody@fail.test");
        await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(state(api, failed)));
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sink.messages().stream()
                .anyMatch(m -> m.recipients().contains("alice@sender.test") && m.text().contains("multipart/report")
                        && m.text().contains(bounced.testId())));
    }

    @Test
    void utf8AddressesGoIntactWhereTheDownstreamOffersSmtpUtf8AndBounceWith567WhereItDoesNot() throws Exception {
        Path dir = Path.of("target/outbound-tls").toAbsolutePath();
        OpenSsl.issued(dir.resolve("ca"), "company", "downstream", "downstream.it.test");
        postfix = PostfixDownstream.start(dir.resolve("postfix"), PORTS, dir.resolve("ca/downstream.key"),
                dir.resolve("ca/downstream.crt"));
        gateway = DedicatedGateway.start(4, "outbound-utf8", List.of("-Dmoat.relay-domains=" + DOMAINS));
        String api = "http://127.0.0.1:" + gateway.httpPort + "/api/v1";
        profile(api, "utf8-tls", "tls.test", server("smtp://127.0.0.1:" + PORTS.starttls(), "STARTTLS_OPTIONAL"));
        profile(api, "utf8-plain", "plain.test", server("smtp://127.0.0.1:" + PORTS.plain(), "NONE"));
        String local = "j\u00f6s\u00e9.\u7528\u6237";

        // straight to the sink of the default profile (subethasmtp offers SMTPUTF8): envelope and bytes intact
        Mails direct = new Mails().subject("Gr\u00fc\u00dfe aus K\u00f6ln \u2014 \u4f60\u597d");
        byte[] sent = direct.build("alice@sender.test", local + "@example.com");
        String first = Api.queueId(SmtpClient.sendUtf8(gateway.smtpPort, "alice@sender.test",
                List.of(local + "@example.com"), sent));
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(state(api, first)));
        ReceivedMail atSink = gateway.sink.messages().stream()
                .filter(m -> m.text().contains(direct.testId())).findFirst().orElseThrow();
        assertThat(atSink.recipients()).containsExactly(local + "@example.com");
        assertThat(MessagePathIT.withoutAddedHeaders(atSink.data())).isEqualTo(sent);
        assertThat(atSink.text()).containsPattern("\\(Moat\\) with UTF8SMTP id ");
        assertThat(message(api, first).getJsonObject("envelope").getJsonArray("recipients").getString(0))
                .isEqualTo(local + "@example.com");

        // through a real MTA that offers SMTPUTF8 (Postfix, smtputf8_enable = yes), on to its sink
        Mails relayed = new Mails().subject("caf\u00e9");
        Api.queueId(SmtpClient.sendUtf8(gateway.smtpPort, "alice@sender.test", List.of(local + "@tls.test"),
                relayed.build("alice@sender.test", local + "@tls.test")));
        ReceivedMail viaPostfix = arrived(relayed);
        assertThat(viaPostfix.recipients()).containsExactly(local + "@tls.test");
        assertThat(PostfixDownstream.postfixReceived(viaPostfix)).contains("UTF8SMTP");

        // an MTA without SMTPUTF8: never sent there; failed for good with 5.6.7, and the sender gets a DSN saying so
        Mails refused = new Mails();
        String bounced = Api.queueId(SmtpClient.sendUtf8(gateway.smtpPort, "alice@sender.test",
                List.of(local + "@plain.test"), refused.build("alice@sender.test", local + "@plain.test")));
        await().atMost(Duration.ofSeconds(60)).until(() -> "FAILED".equals(state(api, bounced)));
        assertThat(lastAttempt(api, bounced).getString("reply")).startsWith("554 5.6.7 ").contains("SMTPUTF8");
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sink.messages().stream()
                .anyMatch(m -> m.recipients().contains("alice@sender.test") && m.text().contains("Status: 5.6.7")
                        && m.text().contains(refused.testId())));
        Thread.sleep(2000);
        assertThat(postfix.delivered(refused.testId())).isEmpty();
    }

    @Test
    void coreOverHttpsIsUsedOnlyWhileItsCertificateIsTrusted() throws Exception {
        Path dir = Path.of("target/outbound-tls").toAbsolutePath();
        OpenSsl.issued(dir.resolve("core-ca"), "core-company", "core", "core.it.test");
        gateway = DedicatedGateway.start(4, "outbound-tls", List.of());
        String api = "http://127.0.0.1:" + gateway.httpPort + "/api/v1";
        core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress()).port(14100)
                .apiKey(DedicatedGateway.API_KEY)
                .https(dir.resolve("core-ca/core.key"), dir.resolve("core-ca/core.crt"))
                .build();
        core.start();

        // the default Core profile moves to https; its API key is write-only and kept when left out
        JsonObject profile = ((jakarta.json.JsonArray) Api.send("GET", api + "/server-profiles", null).json())
                .getValuesAs(JsonObject.class).stream().filter(p -> p.getString("type").equals("CORE"))
                .findFirst().orElseThrow();
        assertThat(profile.getBoolean("apikeySet")).isTrue();
        assertThat(profile.containsKey("apikey") && !profile.isNull("apikey")).isFalse();
        Api.Answer moved = Api.send("PUT", api + "/server-profiles/" + profile.getString("id"),
                Json.createObjectBuilder().add("name", profile.getString("name")).add("type", "CORE")
                        .add("defaultProfile", true).add("servers", Json.createArrayBuilder()
                                .add(Json.createObjectBuilder().add("uri", "https://localhost:14100")))
                        .build().toString());
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);

        // its CA not trusted: the mail waits for a verdict and is never delivered unscanned
        Mails waiting = new Mails().attach("report.txt", "text/plain", "figures".getBytes());
        String id = send(waiting, "bob@example.com");
        Thread.sleep(4000);
        assertThat(state(api, id)).isEqualTo("SCANNING");
        assertThat(gateway.sink.messages()).noneMatch(m -> m.text().contains(waiting.testId()));
        assertThat(core.submissions()).isZero();

        // an operator drops the CA into <data dir>/trust/: the next connection trusts it, the mail is scanned
        Files.createDirectories(gateway.dataDir.resolve("trust"));
        Files.copy(dir.resolve("core-ca/core-company.crt"), gateway.dataDir.resolve("trust/core-company.pem"));
        await().atMost(Duration.ofSeconds(90)).until(() -> "DELIVERED".equals(state(api, id)));
        assertThat(core.submissions()).as("the body and the attachment").isEqualTo(2);
        assertThat(gateway.sink.messages()).anyMatch(m -> m.text().contains(waiting.testId())
                && m.text().contains("X-Moat-Scan:"));
    }

    private ReceivedMail arrived(Mails mail) {
        await().atMost(Duration.ofSeconds(60)).until(() -> !postfix.delivered(mail.testId()).isEmpty());
        return postfix.delivered(mail.testId()).get(0);
    }

    private String send(Mails mail, String to) throws IOException {
        return Api.queueId(SmtpClient.send(gateway.smtpPort, "alice@sender.test", List.of(to),
                mail.build("alice@sender.test", to)));
    }

    private static String state(String api, String id) {
        return message(api, id).getString("state");
    }

    private static JsonObject message(String api, String id) {
        Api.Answer answer = Api.send("GET", api + "/messages/" + id, null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (JsonObject) answer.json();
    }

    private static JsonObject lastAttempt(String api, String id) {
        var attempts = message(api, id).getJsonArray("deliveryAttempts");
        return attempts.getJsonObject(attempts.size() - 1);
    }

    private static JsonObjectBuilder server(String uri, String encryption) {
        JsonObjectBuilder server = Json.createObjectBuilder().add("uri", uri);
        if (encryption != null) {
            server.add("encryption", encryption);
        }
        return server;
    }

    private static void profile(String api, String name, String domain, JsonObjectBuilder... servers) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        for (JsonObjectBuilder server : servers) {
            list.add(server);
        }
        Api.Answer created = Api.send("POST", api + "/server-profiles", Json.createObjectBuilder().add("name", name)
                .add("type", "SMTP").add("recipientDomains", Json.createArrayBuilder().add(domain))
                .add("servers", list).build().toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }
}
