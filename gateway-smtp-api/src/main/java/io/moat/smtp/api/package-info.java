/**
 * The contract between the SMTP resource adapter ({@code gateway-smtp.rar}) and the application: the message
 * listener an MDB implements, and the plain value types that cross it. This jar lives in the EAR's {@code lib/}
 * so that the adapter and the MDB see the same classes; it has no dependencies.
 */
package io.moat.smtp.api;
