package io.moat.it;

import io.moat.devtools.CoreEmulator;
import io.moat.devtools.ReceivedMail;
import io.moat.devtools.SmtpSink;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

/**
 * The test doubles around the real WildFly that Maven started: the Core emulator and the downstream SMTP sink, on
 * the ports the server was configured with (see gateway-it/pom.xml). Started once per test JVM, shared by all ITs.
 */
final class TestBed {

    static final int SMTP_PORT = Integer.getInteger("it.smtp.port", 12525);
    static final int HTTP_PORT = Integer.getInteger("it.http.port", 18080);
    static final int WEBHOOK_PORT = Integer.getInteger("it.webhook.port", 18089);
    static final int MANAGEMENT_PORT = Integer.getInteger("it.management.port", 19990);
    static final String ADMIN_PASSWORD = System.getProperty("it.admin.password", "it-admin-secret");
    /** Whether the servers run on PostgreSQL ({@code -Pit-postgresql}) rather than on H2. */
    static final boolean ON_POSTGRESQL = "postgresql".equals(System.getProperty("it.db"));

    private static CoreEmulator core;
    private static SmtpSink sink;

    private TestBed() {
    }

    static synchronized void up() {
        try {
            if (core == null) {
                core = CoreEmulator.builder().bindAddress(InetAddress.getLoopbackAddress())
                        .port(Integer.getInteger("it.core.port", 18008)).apiKey("it-key").build().start();
                sink = SmtpSink.builder().bindAddress(InetAddress.getLoopbackAddress())
                        .port(Integer.getInteger("it.sink.port", 12526)).build().start();
            }
            if (!core.isRunning()) {
                core.start();
            }
            if (!sink.isRunning()) {
                sink.start();
            }
            core.setDelay(Duration.ZERO);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared IT server's log (gateway-it/pom.xml: its base directory beside the data directory). */
    static Path serverLog() {
        return Path.of(System.getProperty("it.data", "target/it-data")).resolveSibling("it-server/log/server.log");
    }

    static CoreEmulator core() {
        return core;
    }

    static SmtpSink sink() {
        return sink;
    }

    /**
     * What the sink received carrying this test id: the test's message and the gateway's DSNs about it, which return
     * its header; not the gateway's notifications about it ({@link #notices}), which quote its subject.
     */
    static List<ReceivedMail> delivered(String testId) {
        return sink.messages().stream()
                .filter(m -> new String(m.data(), StandardCharsets.ISO_8859_1).contains(testId) && !isNotice(m))
                .toList();
    }

    /** The gateway's notifications (Settings > Notifications) the sink received that name this test id. */
    static List<ReceivedMail> notices(String testId) {
        return sink.messages().stream().filter(TestBed::isNotice).filter(m -> readable(m).contains(testId)).toList();
    }

    /** A received message as a reader sees it: its header, and the text of each part decoded. */
    static String readable(ReceivedMail m) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(m.data()));
            StringBuilder text = new StringBuilder(new String(m.data(), StandardCharsets.ISO_8859_1));
            if (message.getContent() instanceof Multipart parts) {
                for (int i = 0; i < parts.getCount(); i++) {
                    text.append("\n").append(parts.getBodyPart(i).getContent());
                }
            }
            return text.toString();
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException("cannot read " + m, e);
        }
    }

    /** Whether a received message is a notification of the gateway's own: its header says so. */
    static boolean isNotice(ReceivedMail m) {
        String text = new String(m.data(), StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        return (end < 0 ? text : text.substring(0, end)).contains("\r\nX-Moat-Notification: ");
    }
}
