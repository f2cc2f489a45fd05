package io.moat.it;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

/** Messages put into the shared IT gateway's quarantine, for the tests of its REST API and of its console pages. */
final class Quarantined {

    static final Duration PATIENCE = Duration.ofSeconds(60);

    private Quarantined() {
    }

    /** An infected message of its own (EICAR attached): the default rule blocks it. */
    static Mails infected() {
        return new Mails().attach("eicar.com", "application/octet-stream", Mails.EICAR);
    }

    /** Sends the mail and waits until the pipeline has put it in {@code state}; returns its id. */
    static String held(Mails mail, String from, String to, String state) throws Exception {
        String id = Api.queueId(GatewaySmtp.send(from, to, mail.build(from, to)));
        await().atMost(PATIENCE).until(() -> Api.state(id).equals(state));
        return id;
    }
}
