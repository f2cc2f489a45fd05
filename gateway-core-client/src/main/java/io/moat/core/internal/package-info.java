/**
 * Implementation of the Core client: HTTP/1.1 of our own over blocking kept connections ({@link
 * io.moat.core.internal.CoreHttp}, ADR 0017, kept over Apache HttpClient 5 by the A/B of ADR 0026) behind {@link
 * io.moat.core.internal.CoreExchange}, and translation of Core's JSON into {@link io.moat.core.ScanResult}. Not part
 * of the module's API; use {@link io.moat.core.CoreClients}.
 */
package io.moat.core.internal;
