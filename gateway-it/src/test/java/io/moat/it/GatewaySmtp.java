package io.moat.it;

import io.moat.testkit.SmtpClient;
import java.io.IOException;
import java.util.List;

/** Mail sent to the shared IT gateway's SMTP port ({@link TestBed#SMTP_PORT}). */
final class GatewaySmtp {

    private GatewaySmtp() {
    }

    /** One whole mail transaction; returns the reply to the end of DATA (or the first refusal). */
    static String send(String from, String to, byte[] message) throws IOException {
        return send(from, List.of(to), message);
    }

    /** One whole mail transaction to several recipients. */
    static String send(String from, List<String> to, byte[] message) throws IOException {
        return SmtpClient.send(TestBed.SMTP_PORT, from, to, message);
    }
}
