package io.moat.delivery;

import java.time.Instant;

/**
 * What to look for in the quarantine; every criterion optional. {@code reason} as in {@link QuarantineItemDto},
 * {@code rule} a security rule's name, {@code sender}/{@code recipient} text anywhere in the address, any case;
 * {@code receivedFrom} inclusive, {@code receivedBefore} exclusive.
 */
public record QuarantineFilter(String reason, String rule, String sender, String recipient, Instant receivedFrom,
        Instant receivedBefore) {
}
