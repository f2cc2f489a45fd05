package io.moat.web;

import java.time.Instant;

/**
 * A gateway node sharing the database: {@code state} {@code UP}, {@code NOT_ANSWERING} (no heartbeat for 15 s) or
 * {@code STOPPED}; {@code leases} the messages it holds now.
 */
public record NodeDto(String id, String address, String version, Instant startedAt, Instant lastHeartbeat,
        String state, long leases) {
}
