package io.moat.delivery.notify;

import io.moat.mime.Octets;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A notification as an RFC 5322 message: {@code multipart/alternative} with the text and the HTML in UTF-8, each in
 * base64 (lines of 76, RFC 2045 6.8), a subject that is ASCII or RFC 2047 encoded-words, and the fields that keep
 * machines from answering it: {@code Auto-Submitted: auto-generated} (RFC 3834 5) and Microsoft's
 * {@code X-Auto-Response-Suppress: All}. {@code X-Moat-Notification} names the kind; the intake removes that field
 * from whatever comes in, so only the gateway's own notifications carry it.
 */
public final class NotificationBuilder {

    /** The header field that marks the gateway's own notifications. */
    public static final String KIND_HEADER = "X-Moat-Notification";
    private static final String CRLF = "\r\n";
    /** RFC 2047 2: an encoded-word is at most 75 characters; 45 octets are 60 in base64, 72 with the delimiters. */
    private static final int OCTETS_PER_WORD = 45;
    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(76, CRLF.getBytes(StandardCharsets.US_ASCII));

    private NotificationBuilder() {
    }

    /**
     * @param hostName this gateway's host name, for the {@code Message-ID}
     * @param from     the {@code From:} address (ASCII, checked by the settings)
     * @param to       the addresses in {@code To:} (a UTF-8 address makes the message need SMTPUTF8, RFC 6532)
     * @param kind     the value of {@code X-Moat-Notification} ({@code recipient}, {@code sender}, {@code admin},
     *                 {@code digest})
     */
    public static byte[] build(String hostName, String from, List<String> to, String kind,
            NotificationTemplates.Rendered words, Instant now) {
        String boundary = "moat-notification-" + UUID.randomUUID();
        StringBuilder m = new StringBuilder();
        m.append("From: <").append(from).append('>').append(CRLF);
        m.append("To: ");
        for (int i = 0; i < to.size(); i++) {
            m.append(i == 0 ? "" : "," + CRLF + " ").append('<').append(to.get(i)).append('>');
        }
        m.append(CRLF);
        m.append("Subject: ").append(encodedSubject(words.subject())).append(CRLF);
        m.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(ZoneOffset.UTC)))
                .append(CRLF);
        m.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(hostName).append('>').append(CRLF);
        m.append("MIME-Version: 1.0").append(CRLF);
        m.append("Auto-Submitted: auto-generated").append(CRLF);
        m.append("X-Auto-Response-Suppress: All").append(CRLF);
        m.append(KIND_HEADER).append(": ").append(kind).append(CRLF);
        m.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append('"').append(CRLF);
        m.append(CRLF);
        m.append("--").append(boundary).append(CRLF);
        part(m, "text/plain", words.text());
        m.append("--").append(boundary).append(CRLF);
        part(m, "text/html", document(words.html()));
        m.append("--").append(boundary).append("--").append(CRLF);
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a built notification holds an octet above 127 (a UTF-8 address): it needs an 8-bit path. */
    public static boolean eightBit(byte[] message) {
        return Octets.eightBit(message, message.length);
    }

    private static void part(StringBuilder m, String type, String content) {
        m.append("Content-Type: ").append(type).append("; charset=utf-8").append(CRLF);
        m.append("Content-Transfer-Encoding: base64").append(CRLF).append(CRLF);
        String canonical = content.replace("\r\n", "\n").replace('\r', '\n').replace("\n", CRLF);
        m.append(BASE64.encodeToString(canonical.getBytes(StandardCharsets.UTF_8))).append(CRLF);
    }

    /** The HTML as a document of its own, unless the template is one already. */
    private static String document(String html) {
        if (html.toLowerCase(Locale.ROOT).contains("<html")) {
            return html;
        }
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body>\n" + html + "\n</body></html>\n";
    }

    /**
     * The subject as it stands when it is printable ASCII; else as RFC 2047 {@code B} encoded-words of UTF-8, each
     * whole characters, folded between words. The subject is one line already ({@link NotificationTemplates}).
     */
    static String encodedSubject(String subject) {
        if (subject.chars().allMatch(c -> c >= 32 && c < 127)) {
            return subject;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder word = new StringBuilder();
        int octets = 0;
        for (int i = 0; i < subject.length();) {
            int cp = subject.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            int size = ch.getBytes(StandardCharsets.UTF_8).length;
            if (octets + size > OCTETS_PER_WORD) {
                appendWord(out, word);
                word.setLength(0);
                octets = 0;
            }
            word.append(ch);
            octets += size;
            i += Character.charCount(cp);
        }
        appendWord(out, word);
        return out.toString();
    }

    private static void appendWord(StringBuilder out, CharSequence word) {
        if (word.length() == 0) {
            return;
        }
        if (out.length() > 0) {
            out.append(CRLF).append(' ');
        }
        out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(word.toString()
                .getBytes(StandardCharsets.UTF_8))).append("?=");
    }
}
