/**
 * The contract between the SMTP resource adapter ({@code gateway-smtp.rar}) and the application: the message
 * listener an MDB implements, the adapter's control interface, and the plain value types that cross them
 * ({@code Cidr} among them: an endpoint's trusted networks, read by the application's relay rules and by the
 * adapter's per-client connection limit). This jar lives in the EAR's {@code lib/} so that the adapter and the MDB
 * see the same classes. Besides the JDK it uses only {@code gateway-tls} (an endpoint carries its
 * {@code ServerTlsContext}), which in turn uses the BouncyCastle that WildFly provides.
 */
package io.moat.smtp.api;
