/**
 * The digital ID and TLS contexts. Empty in the walking skeleton: PEM parsing, validation, key-store generation
 * and {@code SSLContext} building arrive with the digital ID issue. The module exists now so that the dependency
 * order of the reactor (tls, persistence, core client, delivery, web) is fixed from the start.
 */
package io.moat.tls;
