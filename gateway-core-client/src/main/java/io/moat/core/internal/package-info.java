/**
 * Implementation of the Core client: HTTP exchange with {@link java.net.http.HttpClient} and translation of Core's
 * JSON into {@link io.moat.core.ScanResult}. Not part of the module's API; use {@link io.moat.core.CoreClients}.
 */
package io.moat.core.internal;
