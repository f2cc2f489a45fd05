package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Size limits with the server at -Xmx256m (gateway-it/pom.xml): a 50 MB message passes byte-identical, which it
 * could not if any step held it whole in the heap more than once; one over the limit gets 552 5.3.4.
 */
class LargeMessageIT {

    private static final long LIMIT = Long.getLong("it.max-message-size", 62_914_560L);

    @BeforeEach
    void doubles() {
        TestBed.up();
    }

    @Test
    void fiftyMegabyteMessageIsDeliveredByteIdentical() throws IOException {
        byte[] attachment = new byte[37 * 1024 * 1024]; // base64 makes the message about 50 MB
        new Random(7).nextBytes(attachment);
        Mails mail = new Mails().attach("archive.bin", "application/octet-stream", attachment);
        byte[] sent = mail.build("alice@sender.test", "bob@example.com");
        assertThat(sent.length).isBetween(50_000_000, (int) LIMIT);

        String id = Api.queueId(GatewaySmtp.send("alice@sender.test", "bob@example.com", sent));

        await().atMost(Duration.ofMinutes(3)).until(() -> Api.state(id).equals("DELIVERED"));
        ReceivedMail received = TestBed.delivered(mail.testId()).get(0);
        assertThat(MessagePathIT.withoutAddedHeaders(received.data())).isEqualTo(sent);
        assertThat(Api.attachment(Api.message(id), "archive.bin").getJsonNumber("size").longValue())
                .isEqualTo(attachment.length);
    }

    @Test
    void messageOverTheLimitIsRefusedWith552AndNotKept() throws IOException {
        byte[] big = new byte[(int) LIMIT + 1024];
        Arrays.fill(big, (byte) 'x');
        for (int i = 998; i < big.length; i += 1000) {
            big[i] = '\r';
            big[i + 1] = '\n';
        }
        Mails mail = new Mails();
        byte[] header = mail.build("alice@sender.test", "bob@example.com");
        byte[] message = Arrays.copyOf(header, header.length + big.length);
        System.arraycopy(big, 0, message, header.length, big.length);

        String reply = GatewaySmtp.send("alice@sender.test", "bob@example.com", message);

        assertThat(reply).startsWith("552 5.3.4");
        assertThat(Api.list("?limit=1000").stream().map(v -> v.asJsonObject().getString("subject", ""))
                .filter(s -> s.contains(mail.testId()))).isEmpty();
    }
}
