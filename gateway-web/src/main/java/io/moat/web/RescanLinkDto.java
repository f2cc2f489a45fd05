package io.moat.web;

import java.time.Instant;

/** A link to the public rescan page, as an admin gets it for a recipient: where it leads, and until when. */
public record RescanLinkDto(String url, Instant expiresAt) {
}
