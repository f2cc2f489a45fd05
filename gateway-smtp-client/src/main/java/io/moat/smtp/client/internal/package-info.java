/**
 * The client's implementation: {@code ClientConnection} owns the socket (TCP, the TLS layer over it, one timed
 * stream for commands and text), {@code ReplyReader} reads bounded replies, {@code SmtpDataStream} writes a message's
 * text as DATA wants it (ADR 0030).
 */
package io.moat.smtp.client.internal;
