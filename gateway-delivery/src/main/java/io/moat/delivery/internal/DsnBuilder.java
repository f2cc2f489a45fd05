package io.moat.delivery.internal;

import java.io.BufferedReader;
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
    private static final Pattern ENHANCED = Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b");
    private static final int MAX_HEADER_BYTES = 64 * 1024;

    private DsnBuilder() {
    }

    /**
     * @param reportingHost this gateway's host name
     * @param sender the envelope sender to notify (never empty: no DSN for the null sender)
     * @param recipients the recipients that failed
     * @param reason the downstream reply or why the gateway gave up
     * @param expired whether the gateway gave up because the retry lifetime ran out
     * @param original the original message, whose headers are returned
     */
    public static byte[] build(String reportingHost, String sender, List<String> recipients, String reason,
            boolean expired, Instant arrival, Instant now, Path original) throws IOException {
        String boundary = "moat-dsn-" + UUID.randomUUID();
        String status = status(reason, expired);
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
        m.append(expired ? "Your message could not be delivered in time to:" : "Your message could not be delivered to:")
                .append(crlf);
        for (String recipient : recipients) {
            m.append("  <").append(recipient).append('>').append(crlf);
        }
        m.append(crlf).append("Reason: ").append(oneLine(reason)).append(crlf).append(crlf);

        m.append("--").append(boundary).append(crlf);
        m.append("Content-Type: message/delivery-status").append(crlf).append(crlf);
        m.append("Reporting-MTA: dns; ").append(reportingHost).append(crlf);
        m.append("Arrival-Date: ").append(RFC5322.format(arrival.atZone(ZoneOffset.UTC))).append(crlf);
        for (String recipient : recipients) {
            m.append(crlf);
            m.append("Final-Recipient: rfc822; ").append(recipient).append(crlf);
            m.append("Action: failed").append(crlf);
            m.append("Status: ").append(status).append(crlf);
            m.append("Diagnostic-Code: smtp; ").append(oneLine(reason)).append(crlf);
        }
        m.append(crlf);

        m.append("--").append(boundary).append(crlf);
        m.append("Content-Type: text/rfc822-headers").append(crlf).append(crlf);
        m.append(headers(original));
        m.append(crlf).append("--").append(boundary).append("--").append(crlf);
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String status(String reason, boolean expired) {
        if (expired) {
            return "4.4.7";
        }
        Matcher matcher = ENHANCED.matcher(reason == null ? "" : reason);
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
