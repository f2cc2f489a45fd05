package io.moat.tls.internal.forbidden;

/** Stands for a class in the TLS module's internal package. */
public class TlsInternals {
}
