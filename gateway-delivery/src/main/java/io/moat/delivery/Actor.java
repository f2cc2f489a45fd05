package io.moat.delivery;

/**
 * Who acts on the quarantine, for its record: a signed-in admin by name, or a recipient on the public rescan page,
 * and the address the request came from.
 */
public record Actor(String name, String address) {
}
