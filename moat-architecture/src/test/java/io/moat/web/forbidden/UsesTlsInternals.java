package io.moat.web.forbidden;

import io.moat.tls.internal.forbidden.TlsInternals;

/** Breaks a rule on purpose: a web class using another module's internal package. */
public class UsesTlsInternals {

    final TlsInternals internals = new TlsInternals();
}
