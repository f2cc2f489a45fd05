package io.moat.it;

import io.moat.devtools.CoreEmulator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Builds raw RFC 5322 messages with CRLF line ends, each carrying a unique {@code X-Test-Id} to find it again. */
final class Mails {

    static final byte[] EICAR = CoreEmulator.EICAR.getBytes(StandardCharsets.US_ASCII);

    private final String testId = UUID.randomUUID().toString();
    private final List<String[]> attachments = new ArrayList<>();
    private final List<String> forwarded = new ArrayList<>();
    private String subject = "Quarterly report " + testId;

    String testId() {
        return testId;
    }

    Mails subject(String subject) {
        this.subject = subject;
        return this;
    }

    Mails attach(String fileName, String contentType, byte[] content) {
        attachments.add(new String[]{fileName, contentType, Base64.getMimeEncoder().encodeToString(content)});
        return this;
    }

    /**
     * Adds a forwarded message shown inline (no file name, no disposition) that carries one attachment, the whole
     * part in base64: RFC 2046 allows only 7bit, 8bit and binary there, but mail clients decode it anyway.
     */
    Mails forwardInBase64(String fileName, byte[] content) {
        String inner = "From: <dave@elsewhere.test>\r\nSubject: forwarded\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=inner\r\n\r\n"
                + "--inner\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
                + "--inner\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(content) + "\r\n--inner--\r\n";
        forwarded.add(Base64.getMimeEncoder().encodeToString(inner.getBytes(StandardCharsets.US_ASCII)));
        return this;
    }

    byte[] build(String from, String to) {
        String boundary = "b-" + testId;
        StringBuilder m = new StringBuilder();
        m.append("From: <").append(from).append(">\r\n");
        m.append("To: <").append(to).append(">\r\n");
        m.append("Subject: ").append(subject).append("\r\n");
        m.append("Message-ID: <").append(testId).append("@client.it.test>\r\n");
        m.append("X-Test-Id: ").append(testId).append("\r\n");
        m.append("MIME-Version: 1.0\r\n");
        m.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        m.append("This is a multi-part message in MIME format.\r\n");
        m.append("--").append(boundary).append("\r\n");
        m.append("Content-Type: text/plain; charset=utf-8\r\n\r\n");
        m.append("Hello,\r\n.a line that starts with a dot\r\n..and one with two\r\nRegards\r\n");
        for (String[] a : attachments) {
            m.append("--").append(boundary).append("\r\n");
            m.append("Content-Type: ").append(a[1]).append("; name=\"").append(a[0]).append("\"\r\n");
            m.append("Content-Disposition: attachment; filename=\"").append(a[0]).append("\"\r\n");
            m.append("Content-Transfer-Encoding: base64\r\n\r\n");
            m.append(a[2].replace("\r\n", "\r\n")).append("\r\n");
        }
        for (String f : forwarded) {
            m.append("--").append(boundary).append("\r\n");
            m.append("Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n");
            m.append(f).append("\r\n");
        }
        m.append("--").append(boundary).append("--\r\n");
        return m.toString().getBytes(StandardCharsets.UTF_8);
    }
}
