package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link CorePace}: when a profile's files are first looked at, and why that settles below Core's time. */
class CorePaceTest {

    private final CorePace pace = new CorePace();
    private final Instant submitted = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void aProfileNothingIsKnownOfIsAskedAtOnce() {
        assertThat(pace.askAtOnce("core")).isTrue();
        assertThat(pace.first("core")).isZero();
    }

    @Test
    void aCoreThatAnswersAtOnceKeepsBeingAskedAtOnce() {
        for (int i = 0; i < 100; i++) {
            pace.learned("core", null); // the first check had the verdict
        }
        assertThat(pace.askAtOnce("core")).isTrue();
    }

    @Test
    void aSlowCoreIsFirstAskedJustBeforeItsTime() {
        // a Core taking a second per file, checked the way next() says: the bound of each file is the last check
        // that found it unfinished
        Duration core = Duration.ofSeconds(1);
        for (int file = 0; file < 200; file++) {
            Duration unfinished = null;
            Instant check = pace.askAtOnce("core") ? submitted : submitted.plus(pace.first("core"));
            int checks = 0;
            while (Duration.between(submitted, check).compareTo(core) < 0) {
                unfinished = Duration.between(submitted, check);
                check = pace.next("core", submitted, check);
                checks++;
            }
            pace.learned("core", unfinished);
            if (file > 100) {
                assertThat(checks).as("checks of file %d", file).isLessThanOrEqualTo(2);
            }
        }
        assertThat(pace.askAtOnce("core")).isFalse();
        assertThat(pace.first("core")).isBetween(Duration.ofMillis(850), core);
    }

    @Test
    void checksLateUnderLoadDoNotPushTheFirstCheckPastCoresTime() {
        // every check comes 300 ms after it was planned (the gateway is busy): what is learned is still a lower bound
        Duration core = Duration.ofSeconds(1);
        Duration late = Duration.ofMillis(300);
        for (int file = 0; file < 300; file++) {
            Duration unfinished = null;
            Instant check = (pace.askAtOnce("core") ? submitted : submitted.plus(pace.first("core"))).plus(late);
            while (Duration.between(submitted, check).compareTo(core) < 0) {
                unfinished = Duration.between(submitted, check);
                check = pace.next("core", submitted, check).plus(late);
            }
            pace.learned("core", unfinished);
            assertThat(pace.first("core")).isLessThan(core);
        }
    }

    @Test
    void aCoreThatBecomesFastIsAskedAtOnceAgain() {
        for (int i = 0; i < 50; i++) {
            pace.learned("core", Duration.ofSeconds(1));
        }
        assertThat(pace.askAtOnce("core")).isFalse();
        for (int i = 0; i < 200; i++) {
            pace.learned("core", null); // its first check, at the usual time, had the verdict
        }
        assertThat(pace.askAtOnce("core")).isTrue();
    }

    @Test
    void aFileOlderThanUsualIsCheckedAnEighthOfItsAgeLaterWithinBounds() {
        pace.learned("core", Duration.ofMillis(100));
        Instant now = submitted.plusSeconds(8);
        assertThat(pace.next("core", submitted, now)).isEqualTo(now.plusSeconds(1));
        assertThat(pace.next("core", submitted, submitted.plusSeconds(600))).isEqualTo(
                submitted.plusSeconds(600).plus(CorePace.MAX_STEP));
        Instant early = submitted.plusMillis(120);
        assertThat(pace.next("core", submitted, early)).isEqualTo(early.plus(CorePace.MIN_STEP));
    }

    @Test
    void profilesAreLearnedApart() {
        pace.learned("slow", Duration.ofSeconds(2));
        assertThat(pace.askAtOnce("slow")).isFalse();
        assertThat(pace.askAtOnce("fast")).isTrue();
    }
}
