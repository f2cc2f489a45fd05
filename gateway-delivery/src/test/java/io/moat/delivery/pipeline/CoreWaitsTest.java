package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.rules.SecurityRules;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link CoreWaits}: messages parked in memory while their files are at Core wake once, by their callbacks or their
 * time; a token is used once and only for its own file; what does not fit is refused.
 */
class CoreWaitsTest {

    private final List<Waiting> resumed = new CopyOnWriteArrayList<>();
    private final CoreWaits waits = new CoreWaits();
    private int max = 10;
    private long maxBytes = 1 << 20;

    @BeforeEach
    void wire() {
        waits.settings = new GatewaySettings() {
            @Override
            public int waitingMax() {
                return max;
            }

            @Override
            public long waitingMaxBytes() {
                return maxBytes;
            }
        };
        // no scheduler: the test sweeps by hand
        waits.start(resumed::add);
    }

    @AfterEach
    void stop() {
        waits.stop();
    }

    @Test
    void aMessageWakesWhenCoreHasCalledBackForAllItsFilesAndOnlyThen() {
        Attachment a = submitted(1, "d-1");
        Attachment b = submitted(2, "d-2");
        a.expected = waits.expect("hash-a", "d-1");
        b.expected = waits.expect("hash-b", "d-2");
        Waiting w = waiting(a, b);
        assertThat(waits.park(w, Instant.now().plusSeconds(60))).isTrue();

        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.TAKEN);
        assertThat(resumed).isEmpty();
        assertThat(waits.called("hash-b", "d-2")).isEqualTo(CoreWaits.Callback.TAKEN);
        assertThat(resumed).containsExactly(w);
        assertThat(waits.parkedNow()).isZero();
    }

    @Test
    void aTokenIsUsedOnceAndAReplayIsLeftToTheDatabaseWhichDoesNotKnowIt() {
        Attachment a = submitted(1, "d-1");
        a.expected = waits.expect("hash-a", "d-1");
        waits.park(waiting(a), Instant.now().plusSeconds(60));

        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.TAKEN);
        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.NOT_HERE);
        assertThat(resumed).hasSize(1);
    }

    @Test
    void aTokenNamingAnotherFileChangesNothing() {
        Attachment a = submitted(1, "d-1");
        a.expected = waits.expect("hash-a", "d-1");
        waits.park(waiting(a), Instant.now().plusSeconds(60));

        assertThat(waits.called("hash-a", "d-other")).isEqualTo(CoreWaits.Callback.REFUSED);
        assertThat(waits.called("unknown", "d-1")).isEqualTo(CoreWaits.Callback.NOT_HERE);
        assertThat(resumed).isEmpty();
        assertThat(a.expected.called()).isFalse();
        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.TAKEN); // still good for its file
    }

    @Test
    void aCallbackThatCameBeforeTheMessageWasParkedWakesItAtOnce() {
        Attachment a = submitted(1, "d-1");
        a.expected = waits.expect("hash-a", "d-1");
        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.TAKEN);

        Waiting w = waiting(a);
        assertThat(waits.park(w, Instant.now().plusSeconds(60))).isTrue();
        assertThat(resumed).containsExactly(w);
    }

    @Test
    void aPolledMessageWakesWhenItsTimeComesAndNotBefore() {
        Attachment a = submitted(1, "d-1"); // no callback awaited: polled
        Waiting soon = waiting(a);
        Waiting later = waiting(submitted(1, "d-2"));
        waits.park(soon, Instant.now().minusMillis(1));
        waits.park(later, Instant.now().plusSeconds(60));

        waits.sweep();
        assertThat(resumed).containsExactly(soon);
        waits.sweep();
        assertThat(resumed).containsExactly(soon);
        assertThat(waits.parkedNow()).isEqualTo(1);
    }

    @Test
    void aMessageWakesOnceEvenIfItsCallbackAndItsTimeComeTogether() {
        Attachment a = submitted(1, "d-1");
        a.expected = waits.expect("hash-a", "d-1");
        Waiting w = waiting(a);
        waits.park(w, Instant.now().minusMillis(1));

        waits.sweep();
        waits.called("hash-a", "d-1");
        assertThat(resumed).containsExactly(w);
    }

    @Test
    void moreMessagesOrBytesThanAllowedAreRefusedAndTheirRoomIsNotCounted() {
        max = 1;
        assertThat(waits.park(waiting(submitted(1, "d-1")), Instant.now().plusSeconds(60))).isTrue();
        assertThat(waits.park(waiting(submitted(1, "d-2")), Instant.now().plusSeconds(60))).isFalse();
        assertThat(waits.parkedNow()).isEqualTo(1);
        // the refused one's bytes are not taken back twice: one more of 4 KiB fits beside the first, not two
        max = 10;
        maxBytes = 2 * 4096;
        assertThat(waits.park(waiting(submitted(1, "d-5")), Instant.now().plusSeconds(60))).isTrue();
        assertThat(waits.park(waiting(submitted(1, "d-6")), Instant.now().plusSeconds(60))).isFalse();

        maxBytes = 3 * 4096; // room for one more small one, not for one with 20 KB of parts
        Attachment big = new Attachment(new io.moat.mime.AttachmentExtractor.Attachment(1, "big.bin",
                "application/octet-stream", 20_000, "1", null, -1, -1, false), new byte[20_000]);
        big.dataId = "d-3";
        big.submittedAt = Instant.now();
        assertThat(waits.park(waiting(big), Instant.now().plusSeconds(60))).isFalse();
        assertThat(waits.park(waiting(submitted(1, "d-4")), Instant.now().plusSeconds(60))).isTrue();
    }

    @Test
    void stoppingGivesBackWhatWasParkedAndForgetsItsTokens() {
        Attachment a = submitted(1, "d-1");
        a.expected = waits.expect("hash-a", "d-1");
        Waiting w = waiting(a);
        waits.park(w, Instant.now().plusSeconds(60));

        assertThat(waits.stop()).containsExactly("m1");
        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.NOT_HERE);
        assertThat(waits.park(waiting(submitted(1, "d-2")), Instant.now())).isFalse();
        assertThat(resumed).isEmpty();
    }

    @Test
    void forgottenTokensAreLeftToTheDatabase() {
        Attachment a = submitted(1, "d-1");
        a.expected = waits.expect("hash-a", "d-1");
        waits.forget(List.of(a));
        assertThat(a.expected).isNull();
        assertThat(waits.called("hash-a", "d-1")).isEqualTo(CoreWaits.Callback.NOT_HERE);
    }

    private static Attachment submitted(int index, String dataId) {
        Attachment a = new Attachment(new MessageSnapshot.AttachmentSnapshot(index, "f" + index + ".pdf",
                String.valueOf(index), 100, dataId, null, null, Instant.now(), null, null, false));
        return a;
    }

    private static Waiting waiting(Attachment... attachments) {
        MessageSnapshot m = new MessageSnapshot("m1", MessageKind.INBOUND, MessageState.RECEIVED, "a@sender.test",
                List.of("b@example.com"), "m1", Instant.now(), Instant.now(), 0, null, 0, 0, List.of(),
                DeliveryAgent.MailOptions.NONE, new MessageSnapshot.Rule(null, null, null), null, null, null);
        return new Waiting(m, SecurityRules.Applied.standIn("default"), List.of(attachments), new Progress(),
                Instant.now().plus(Duration.ofMinutes(10)));
    }
}
