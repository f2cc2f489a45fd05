package io.moat.smtp.api;

/**
 * An SMTP reply: the basic code, the RFC 3463 enhanced status code and a text for people.
 *
 * @param code the three-digit reply code, e.g. 550
 * @param enhancedStatus the enhanced status code, e.g. {@code 5.7.1}
 * @param text what a person reading the log should understand
 */
public record SmtpReply(int code, String enhancedStatus, String text) {

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("not an SMTP reply code: " + code);
        }
    }

    /** The reply line as sent, without the line end, e.g. {@code 550 5.7.1 Relaying denied}. */
    public String line() {
        return code + " " + enhancedStatus + " " + text;
    }
}
