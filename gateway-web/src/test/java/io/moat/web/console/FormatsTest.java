package io.moat.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.Quarantine;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatsTest {

    private final Formats fmt = new Formats();

    @Test
    void aDurationInWordsGivesItsUnitsLargestFirst() {
        assertThat(fmt.words(Duration.ofDays(30))).isEqualTo("30 days");
        assertThat(fmt.words(Duration.ofDays(1).plusHours(6))).isEqualTo("1 day 6 hours");
        assertThat(fmt.words(Duration.ofSeconds(90))).isEqualTo("1 minute 30 seconds");
        assertThat(fmt.words(Duration.ofSeconds(2))).isEqualTo("2 seconds");
        assertThat(fmt.words(Duration.ofMillis(300))).isEqualTo("0 seconds");
        assertThat(fmt.words(null)).isEqualTo("—");
    }

    @Test
    void wholeDaysAreWrittenInDaysAsTheAdminTypesThemAndTheRestAsIso() {
        assertThat(Formats.iso(Duration.parse("PT720H"))).isEqualTo("P30D");
        assertThat(Formats.iso(Duration.ofDays(3650))).isEqualTo("P3650D");
        assertThat(Formats.iso(Duration.ofHours(12))).isEqualTo("PT12H");
        assertThat(Formats.iso(Duration.ofDays(1).plusSeconds(1))).isEqualTo("PT24H1S");
        assertThat(Duration.parse(Formats.iso(Duration.ofDays(7)))).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void whatAPurgeRemovedIsCountedInWords() {
        assertThat(fmt.purged(new Quarantine.PurgedDto(2, 0, 1, null)))
                .isEqualTo("2 quarantined messages, 0 spool files, 1 record");
    }
}
