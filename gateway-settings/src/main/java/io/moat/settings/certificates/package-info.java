/**
 * Certificates and trust: the gateway's digital ID (generated or placed PEM files), uploaded certificates and who
 * uses each, the trust store for outbound TLS, and the daily expiry check behind the {@code moat-certificates}
 * health check.
 */
package io.moat.settings.certificates;
