package io.moat.delivery.pipeline;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Queue ids for new messages: UUIDs laid out as RFC 9562's version 7, the time of creation in milliseconds first,
 * then 74 random bits. Written as text they sort in the order they were made, so a new message's entries land at
 * the end of every index keyed by its id (the messages' primary key, the attachments' and delivery attempts'
 * message index) instead of at a random place in each: H2 then rewrites one last page per index at a commit, not a
 * page per message (ADR 0032). The ids stay unguessable enough for what they are, queue ids behind the REST API's
 * authentication; they reveal when a message was received, as its record does.
 */
public final class MessageIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private MessageIds() {
    }

    /** A new id, e.g. {@code 019ad2a4-5b3e-7c41-9f0e-1a2b3c4d5e6f}. */
    public static String next() {
        return next(System.currentTimeMillis());
    }

    static String next(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long msb = (epochMillis & 0xFFFF_FFFF_FFFFL) << 16 | 0x7000 | ((random[0] & 0x0F) << 8) | (random[1] & 0xFF);
        long lsb = 0;
        for (int i = 2; i < 10; i++) {
            lsb = lsb << 8 | (random[i] & 0xFF);
        }
        lsb = lsb & 0x3FFF_FFFF_FFFF_FFFFL | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
