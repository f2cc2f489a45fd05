package io.moat.delivery.dsn;

import io.moat.mime.Octets;
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
 * could not be delivered: a text part, the machine-readable status per recipient, and the original headers. A
 * recipient with a non-ASCII address (RFC 6531) is named in UTF-8 in the text part, which then says so
 * ({@code charset=utf-8}, {@code 8bit}), and as a {@code utf-8} address type in the status (RFC 6533 3, in its xtext
 * form, which keeps the status ASCII). A part holding octets above 127 is marked {@code 8bit}, and so is the report.
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
     * @param original the original message, whose headers are returned (none if it is gone)
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
        String originalHeaders = headers(original);
        boolean utf8Text = !Octets.ascii(sender) || failures.stream().anyMatch(f -> !Octets.ascii(f.recipient()));
        boolean eightBitHeaders = !Octets.ascii(originalHeaders);
        m.append("MIME-Version: 1.0").append(crlf);
        m.append("Content-Type: multipart/report; report-type=delivery-status;").append(crlf);
        m.append("\tboundary=\"").append(boundary).append('"').append(crlf);
        if (utf8Text || eightBitHeaders) {
            m.append("Content-Transfer-Encoding: 8bit").append(crlf);
        }
        m.append(crlf);

        m.append("--").append(boundary).append(crlf);
        if (utf8Text) {
            m.append("Content-Type: text/plain; charset=utf-8").append(crlf);
            m.append("Content-Transfer-Encoding: 8bit").append(crlf).append(crlf);
        } else {
            m.append("Content-Type: text/plain; charset=us-ascii").append(crlf).append(crlf);
        }
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
            m.append("Final-Recipient: ").append(addressField(failure.recipient())).append(crlf);
            m.append("Action: failed").append(crlf);
            m.append("Status: ").append(status(failure.reason(), failure.expired())).append(crlf);
            m.append("Diagnostic-Code: smtp; ").append(oneLine(failure.reason())).append(crlf);
        }
        m.append(crlf);

        m.append("--").append(boundary).append(crlf);
        m.append("Content-Type: text/rfc822-headers").append(crlf);
        if (eightBitHeaders) {
            m.append("Content-Transfer-Encoding: 8bit").append(crlf);
        }
        m.append(crlf);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(m.toString().getBytes(StandardCharsets.UTF_8));
        // the original header bytes as they were (read and written as ISO-8859-1, which maps bytes one to one)
        out.writeBytes(originalHeaders.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes((crlf + "--" + boundary + "--" + crlf).getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /**
     * {@code rfc822; address} for an ASCII address; else RFC 6533's {@code utf-8} type in its xtext form, each
     * character outside printable ASCII (and {@code +}, {@code =}, {@code \}) written as {@code \x{HEX}}.
     */
    static String addressField(String address) {
        if (Octets.ascii(address)) {
            return "rfc822; " + address;
        }
        StringBuilder xtext = new StringBuilder("utf-8; ");
        address.codePoints().forEach(c -> {
            if (c > 0x20 && c < 0x7f && c != '+' && c != '=' && c != '\\') {
                xtext.appendCodePoint(c);
            } else {
                xtext.append("\\x{").append(String.format("%02X", c)).append('}');
            }
        });
        return xtext.toString();
    }

    /** Whether {@code bytes} hold an octet above 127, i.e. a DSN that needs an 8-bit path (RFC 6152). */
    public static boolean eightBit(byte[] bytes) {
        return Octets.eightBit(bytes, bytes.length);
    }

    public static String status(String reason, boolean expired) {
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
        if (!Files.exists(original)) {
            return ""; // lost (its spool file gone): the report says so without them
        }
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
