package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CoreFlightsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void noMoreFilesThanTheLimitAreInFlightAndAVerdictMakesRoom() {
        CoreFlights flights = new CoreFlights();
        assertThat(flights.reserve("p", 2, NOW)).isTrue();
        flights.submitted("p", "d1", NOW.plusSeconds(60));
        assertThat(flights.reserve("p", 2, NOW)).isTrue();
        flights.submitted("p", "d2", NOW.plusSeconds(60));
        assertThat(flights.reserve("p", 2, NOW)).isFalse();
        // another profile has its own room
        assertThat(flights.reserve("q", 2, NOW)).isTrue();

        flights.landed("p", "d1");
        flights.landed("p", "d1"); // read twice: counted once
        assertThat(flights.inFlight("p")).isEqualTo(1);
        assertThat(flights.reserve("p", 2, NOW)).isTrue();
    }

    @Test
    void aSubmissionThatFailedGivesItsRoomBack() {
        CoreFlights flights = new CoreFlights();
        assertThat(flights.reserve("p", 1, NOW)).isTrue();
        flights.cancel("p");
        assertThat(flights.reserve("p", 1, NOW)).isTrue();
    }

    @Test
    void aFileWhoseVerdictNeverCameStopsCountingWhenItsBudgetEnds() {
        CoreFlights flights = new CoreFlights();
        assertThat(flights.reserve("p", 1, NOW)).isTrue();
        flights.submitted("p", "lost", NOW.plusSeconds(60));
        assertThat(flights.reserve("p", 1, NOW.plusSeconds(59))).isFalse();
        assertThat(flights.reserve("p", 1, NOW.plusSeconds(61))).isTrue();
        // a verdict for a file submitted before a restart is not one of ours: nothing changes
        flights.landed("p", "from-before");
        assertThat(flights.inFlight("p")).isEqualTo(1);
    }
}
