package io.moat.settings.profiles;

import io.moat.smtp.api.SmtpEncryption;
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
        // STARTTLS targets are greeted in clear text: the greeting comes before STARTTLS
        SmtpEncryption mode = target.mode() == SmtpEncryption.IMPLICIT_TLS
                ? SmtpEncryption.IMPLICIT_TLS
                : SmtpEncryption.NONE;
        return new SmtpClient(UNUSED_HELO, timeout).greeting(target.endpoint(mode)).firstLine();
    }
}
