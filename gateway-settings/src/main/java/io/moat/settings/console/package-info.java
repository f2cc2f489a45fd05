/**
 * The console's own HTTPS: which certificate and TLS versions Undertow serves, applied through WildFly's management
 * interface (ADR 0008).
 */
package io.moat.settings.console;
