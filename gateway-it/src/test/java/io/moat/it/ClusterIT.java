package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Settings changed on one node apply on the other within seconds, without a restart (issue #33, ADR 45): two nodes on
 * one PostgreSQL database and one data directory, each on its own address with the same ports.
 */
@EnabledIfSystemProperty(named = "it.db", matches = "postgresql", disabledReason = "several nodes need PostgreSQL")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // console HTTPS last: the REST API then wants HTTPS
class ClusterIT {

    private static final String A = "127.0.0.2";
    private static final String B = "127.0.0.3";
    private static final Duration WITHIN = Duration.ofSeconds(5);
    private static final int SUBMISSION = 24587;
    private static Cluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new Cluster("cluster");
        ServerProcess nodeA = cluster.node("node-a", A, List.of());
        ServerProcess nodeB = cluster.node("node-b", B, List.of());
        nodeA.start(Duration.ofMinutes(3)); // one after the other: the first start seeds the settings
        nodeB.start(Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void anEndpointCreatedOnOneNodeListensOnTheOtherAndARenewalThroughItIsServedByTheFirst() throws IOException {
        Path made = Cluster.clean(cluster.dir.resolve("certificates"));
        OpenSsl.selfSigned(made, "first", "mx-first.it.test", true);
        OpenSsl.selfSigned(made, "second", "mx-second.it.test", true);
        Api.Answer added = Api.send("POST", Cluster.api(A, "/certificates"), pair(made, "first"));
        assertThat(added.status()).as(added.body()).isEqualTo(201);
        String id = ((JsonObject) added.json()).getString("id");

        Api.Answer created = Api.send("POST", Cluster.api(A, "/smtp-endpoints"), Json.createObjectBuilder()
                .add("name", "submission").add("bindAddress", "0.0.0.0").add("port", SUBMISSION)
                .add("encryption", "STARTTLS_REQUIRED").add("certificateId", id)
                .add("relayDomains", Json.createArrayBuilder().add("example.com")).build().toString());
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        // created through A: listening on A at once, on B within seconds (its own address, the same port)
        await().atMost(WITHIN).ignoreExceptions().until(() -> {
            try (Socket s = new Socket(B, SUBMISSION)) {
                return s.isConnected();
            }
        });
        assertThat(served(A)).isEqualTo(OpenSsl.fingerprint(made.resolve("first.crt")));
        assertThat(served(B)).isEqualTo(OpenSsl.fingerprint(made.resolve("first.crt")));

        // renewed through B: A presents the new certificate on its next handshakes, within seconds
        Api.Answer renewed = Api.send("PUT", Cluster.api(B, "/certificates/" + id), pair(made, "second"));
        assertThat(renewed.status()).as(renewed.body()).isEqualTo(200);
        String second = OpenSsl.fingerprint(made.resolve("second.crt"));
        await().atMost(WITHIN).until(() -> served(A).equals(second));
        assertThat(served(B)).isEqualTo(second);
    }

    @Test
    @Order(2)
    void consoleHttpsSwitchedOnThroughOneNodeIsServedByTheOther() {
        Api.Answer on = Api.send("PUT", Cluster.api(A, "/settings/security/console-tls"),
                "{\"enabled\": true, \"certificateId\": \"digital-id\", \"protocols\": [\"TLSv1.3\"]}");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> OpenSsl.connect(B, Cluster.HTTPS, "-tls1_3").established());
    }

    /** The fingerprint of the certificate the submission endpoint on {@code address} presents after STARTTLS. */
    private static String served(String address) throws IOException {
        OpenSsl.Handshake handshake = OpenSsl.connect(address, SUBMISSION, "-starttls", "smtp");
        assertThat(handshake.established()).as(handshake.output()).isTrue();
        return OpenSsl.fingerprint(handshake.certificatePem());
    }

    private static String pair(Path dir, String name) throws IOException {
        return OpenSsl.pair("cluster-" + name, dir.resolve(name + ".key"), dir.resolve(name + ".crt"));
    }
}
