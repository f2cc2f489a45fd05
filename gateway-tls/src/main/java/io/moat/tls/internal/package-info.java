/**
 * Implementation of the TLS module: PEM block handling, chain ordering, key matching, owner-only atomic files. Only
 * {@code io.moat.tls} uses these classes; other modules must not.
 */
package io.moat.tls.internal;
