package io.moat.delivery.internal;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a delivery status notification (RFC 3464 {@code multipart/report}) telling the sender that a message
 * could not be delivered: a text part, the machine-readable status per recipient, and the original headers.
 */
public final class DsnBuilder {

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.RFC_1123_DATE_TIME;
    /** RFC 3463: the enhanced code directly after the reply code ("550 5.1.1 ..." or "550-5.1.1 ..."). */
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})(?:\\s|$)");
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private DsnBuilder() {
    }

    /**
     * A recipient the message could not reach.
     *
     * @param recipient the forward path
     * @param reason the downstream reply or why the gateway gave up
     * @param expired whether the gateway gave up because the retry lifetime ran out
     */
    public record Failure(String recipient, String reason, boolean expired) {
    }

    /**
     * @param reportingHost this gateway's host name
     * @param sender the envelope sender to notify (never empty: no DSN for the null sender)
     * @param failures the recipients that failed, each with its reason
     * @param original the original message, whose headers are returned
     */
    public static byte[] build(String reportingHost, String sender, List<Failure> failures, Instant arrival,
            Instant now, Path original) throws IOException {
        String boundary = "moat-dsn-" + UUID.randomUUID();
        String crlf = "\r\n";
        StringBuilder m = new StringBuilder();
        m.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingHost).append('>').append(crlf);
        m.append("To: <").append(sender).append('>').append(crlf);
        m.append("Subject: Undelivered Mail Returned to Sender").append(crlf);
        m.append("Date: ").append(RFC5322.format(now.atZone(ZoneOffset.UTC))).append(crlf);
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingHost).append('>').append(crlf);
        m.append("Auto-Submitted: auto-replied").append(crlf);
        m.append("MIME-Version: 1.0").append(crlf);
        m.append("Content-Type: multipart/report; report-type=delivery-status;").append(crlf);
        m.append("\tboundary=\"").append(boundary).append('"').append(crlf).append(crlf);

        m.append("--").append(boundary).append(crlf);
        m.append("Content-Type: text/plain; charset=us-ascii").append(crlf).append(crlf);
        m.append("This is the mail gateway at ").append(reportingHost).append('.').append(crlf).append(crlf);
        m.append("Your message could not be delivered to:").append(crlf);
        for (Failure failure : failures) {
            m.append(crlf).append("  <").append(failure.recipient()).append(">").append(crlf);
            m.append(failure.expired() ? "  It could not be delivered in time; last reply: " : "  Reason: ")
                    .append(oneLine(failure.reason()))
                    .append(crlf);
        }
        m.append(crlf);

        m.append("--").append(boundary).append(crlf);
        m.append("Content-Type: message/delivery-status").append(crlf).append(crlf);
        m.append("Reporting-MTA: dns; ").append(reportingHost).append(crlf);
        m.append("Arrival-Date: ").append(RFC5322.format(arrival.atZone(ZoneOffset.UTC))).append(crlf);
        for (Failure failure : failures) {
            m.append(crlf);
            m.append("Final-Recipient: rfc822; ").append(failure.recipient()).append(crlf);
            m.append("Action: failed").append(crlf);
            m.append("Status: ").append(status(failure.reason(), failure.expired())).append(crlf);
            m.append("Diagnostic-Code: smtp; ").append(oneLine(failure.reason())).append(crlf);
        }
        m.append(crlf);

        m.append("--").append(boundary).append(crlf);
        m.append("Content-Type: text/rfc822-headers").append(crlf).append(crlf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m.toString().getBytes(StandardCharsets.UTF_8));
        // the original header bytes as they were (read and written as ISO-8859-1, which maps bytes one to one)
        out.writeBytes(headers(original).getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes((crlf + "--" + boundary + "--" + crlf).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static String status(String reason, boolean expired) {
        if (expired) {
            return "4.4.7";
        }
        Matcher matcher = ENHANCED.matcher(reason == null ? "" : reason.strip());
        return matcher.find() && matcher.group(1).startsWith("5") ? matcher.group(1) : "5.0.0";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").strip();
    }

    /** The original header section, up to the first empty line (bounded). */
    private static String headers(Path original) throws IOException {
        StringBuilder headers = new StringBuilder();
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(original), StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = reader.readLine()) != null && !line.isEmpty() && headers.length() < MAX_HEADER_BYTES) {
                headers.append(line).append("\r\n");
            }
        }
        return headers.toString();
    }
}
