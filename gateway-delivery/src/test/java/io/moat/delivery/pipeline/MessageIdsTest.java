package io.moat.delivery.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MessageIdsTest {

    @Test
    void idsAreVersion7UuidsCarryingTheirTimeInMilliseconds() {
        long now = 1_796_000_000_123L;
        UUID id = UUID.fromString(MessageIds.next(now));
        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(now, id.getMostSignificantBits() >>> 16);
    }

    @Test
    void idsOfLaterMillisecondsSortAfterEarlierOnesAsText() {
        List<String> ids = new ArrayList<>();
        for (long t = 1_796_000_000_000L; t < 1_796_000_000_000L + 2_000; t += 7) {
            ids.add(MessageIds.next(t));
        }
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, ids.get(i - 1) + " before " + ids.get(i));
        }
        // across the whole 48-bit range too: the hex digits are fixed-width lowercase
        assertTrue(MessageIds.next(0xFFFL).compareTo(MessageIds.next(0x1000L)) < 0);
        assertTrue(MessageIds.next(0x7FFF_FFFF_FFFFL).compareTo(MessageIds.next(0x8000_0000_0000L)) < 0);
    }

    @Test
    void idsMadeInTheSameMillisecondDifferInTheirRandomBits() {
        HashSet<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(MessageIds.next(1_796_000_000_000L));
        }
        assertEquals(10_000, ids.size());
    }
}
