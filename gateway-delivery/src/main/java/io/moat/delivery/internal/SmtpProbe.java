package io.moat.delivery.internal;

import io.moat.smtp.client.Endpoint;
import io.moat.smtp.client.Security;
import io.moat.smtp.client.SmtpClient;
import java.io.IOException;
import java.time.Duration;

/**
 * Whether an SMTP server answers: connects with the client deliveries use (TLS from the first byte for smtps, its
 * certificate checked as a delivery checks it), reads the greeting and says QUIT. Sends no mail.
 */
public final class SmtpProbe {

    /** The name is never said: the probe sends no EHLO. */
    private static final String UNUSED_HELO = "probe.invalid";

    private SmtpProbe() {
    }

    /**
     * @return the first line of the server's greeting, e.g. {@code 220 mx.example.com ESMTP}
     * @throws IOException when it cannot be reached, the handshake fails or it does not greet with 220
     */
    public static String greeting(SmtpTarget target, Duration timeout) throws IOException {
        Security security = target.mode() == SmtpTarget.Mode.SMTPS ? Security.IMPLICIT : Security.NONE;
        Endpoint endpoint = new Endpoint(target.host(), target.port(), security,
                security == Security.NONE ? null : target.socketFactory(), target.verifyHostname());
        return new SmtpClient(UNUSED_HELO, timeout).greeting(endpoint).firstLine();
    }
}
