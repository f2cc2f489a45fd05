/**
 * The gateway's digital ID and TLS, without any container API: {@link io.moat.tls.Pem} reads keys and certificate
 * chains (RSA/EC, PKCS#1/SEC1/PKCS#8, encrypted, any block order) and {@link io.moat.tls.Validator} says what is wrong
 * with them; {@link io.moat.tls.DigitalIdFiles} loads the ID from the data directory or generates a self-signed one;
 * {@link io.moat.tls.KeyStores} makes PKCS#12 key and trust stores for WildFly; {@link io.moat.tls.ServerTlsContext}
 * is a listener's TLS server side whose certificate and settings can change while it runs; and
 * {@link io.moat.tls.SecretBox} seals secrets at rest. {@link io.moat.tls.WriteDeadlines} cuts off blocking writes
 * to a peer that stopped reading, by closing the TCP socket under the TLS layer. Problems come back as
 * {@link io.moat.tls.TlsException}s and {@link io.moat.tls.Finding}s worded for the operator; nothing here logs.
 */
package io.moat.tls;
