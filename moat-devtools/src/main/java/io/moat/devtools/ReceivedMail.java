package io.moat.devtools;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One message {@link SmtpSink} accepted.
 *
 * @param from       the envelope sender ({@code MAIL FROM}), empty for the null sender
 * @param recipients the envelope recipients ({@code RCPT TO}), in order
 * @param data       the message exactly as received after {@code DATA}, dot-unstuffed, without the terminating
 *                   {@code .} line; copied in and out
 * @param at         when the end of the data arrived
 */
public record ReceivedMail(String from, List<String> recipients, byte[] data, Instant at) {

    /** Copies the arguments. */
    public ReceivedMail {
        Objects.requireNonNull(from, "from");
        recipients = List.copyOf(recipients);
        data = data.clone();
        Objects.requireNonNull(at, "at");
    }

    /** A copy of the raw message. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** The raw message decoded as UTF-8, for assertions. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReceivedMail m && from.equals(m.from) && recipients.equals(m.recipients)
                && Arrays.equals(data, m.data) && at.equals(m.at);
    }

    @Override
    public int hashCode() {
        return Objects.hash(from, recipients, Arrays.hashCode(data), at);
    }

    /** Envelope, size and time; not the content. */
    @Override
    public String toString() {
        return "ReceivedMail[from=" + from + ", recipients=" + recipients + ", size=" + data.length + ", at=" + at
                + "]";
    }
}
