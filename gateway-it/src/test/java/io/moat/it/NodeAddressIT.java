package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.moat.testkit.SmtpClient;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A node with its own address ({@code MOAT_NODE_ADDRESS}, issue #33): SMTP, the console and REST API, the webhook
 * port and the management interface answer there and not on the loopback address, as two nodes on one machine need;
 * the management client the gateway uses for console HTTPS reaches it there too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // console HTTPS last: the REST API then wants HTTPS
class NodeAddressIT {

    private static final String NODE = "127.0.0.2";
    private static DedicatedGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = DedicatedGateway.start(10, "node-address",
                List.of("-Dmoat.node.address=" + NODE, "-Dmoat.node-id=node-b"));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    @Order(1)
    void everyPortAnswersOnTheNodesAddressAndNoneOnTheLoopback() throws Exception {
        int webhookPort = gateway.httpPort + 9;
        int managementPort = 19991 + 10;
        for (int port : new int[]{gateway.smtpPort, gateway.httpPort, webhookPort, managementPort}) {
            try (Socket ignored = new Socket(NODE, port)) {
                assertThat(ignored.isConnected()).as("port " + port + " on " + NODE).isTrue();
            }
            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("port " + port + " on 127.0.0.1")
                    .isInstanceOf(ConnectException.class);
        }
        assertThat(Api.get("http://" + NODE + ":" + managementPort + "/health/ready", null, true).status())
                .isEqualTo(200);
        // the node as the registry shows it: its id, its address, this build's version, up
        JsonObject self = ((JsonArray) Api.get(gateway.api("/nodes"), TestBed.ADMIN_PASSWORD, true).json())
                .getJsonObject(0);
        assertThat(self.getString("id")).isEqualTo("node-b");
        assertThat(self.getString("address")).isEqualTo(NODE);
        assertThat(self.getString("state")).isEqualTo("UP");
        assertThat(self.getString("version")).matches("\\d+\\.\\d+\\.\\d+.*");

        // the pipeline runs: a message to the node's address is delivered
        try (SmtpClient smtp = new SmtpClient(InetAddress.getByName(NODE), gateway.smtpPort)) {
            assertThat(smtp.greeting()).startsWith("220");
            smtp.command("EHLO client.it.test");
            assertThat(smtp.mail("alice@sender.test", "Subject: node b\r\n\r\nhello\r\n", "bob@example.com"))
                    .startsWith("250");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> gateway.sink.messages().size() == 1);
    }

    @Test
    @Order(2)
    void consoleHttpsIsSwitchedThroughTheManagementInterfaceOnTheNodesAddress() throws IOException {
        Api.Answer on = Api.send("PUT", gateway.api("/settings/security/console-tls"),
                "{\"enabled\": true, \"certificateId\": \"digital-id\", \"protocols\": [\"TLSv1.3\"]}");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> OpenSsl.connect(NODE, gateway.httpsPort, "-tls1_3").established());
        assertThatThrownBy(() -> new Socket("127.0.0.1", gateway.httpsPort).close())
                .isInstanceOf(ConnectException.class);
    }
}
