/**
 * Implementation of the SMTP adapter, which owns each inbound socket from bind to close (ADR 0027):
 * {@code SmtpListener} (one endpoint: its port, its sessions counted per client address, its graceful stop),
 * {@code AcceptLoop} (binds the port and accepts, admitting at most {@code maxConnections + 10} sessions at once),
 * {@code SessionThreads} (the endpoint's own threads), {@code SmtpSession} (the conversation on one connection, in the
 * endpoint's TLS mode, each read timed by {@code ReadDeadlines}), {@code MailTransaction} (MAIL to end of DATA,
 * calling the MDB through {@code EndpointInvoker}), and the protocol's parsers ({@code SmtpInput},
 * {@code DataContentStream}, {@code MailPath}), fuzzed in {@code SmtpParserFuzzTest}.
 */
package io.moat.smtp.internal;
