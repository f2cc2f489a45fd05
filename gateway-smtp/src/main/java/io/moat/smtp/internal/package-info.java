/**
 * Implementation of the SMTP adapter: {@code SmtpListener} (one endpoint around a subethasmtp server, its sessions on
 * {@code SessionThreads} of its own, counted per client address), {@code SmtpSession} (the conversation on one
 * connection, in the endpoint's TLS mode, each read timed by {@code ReadDeadlines}), {@code MailTransaction} (MAIL to
 * end of DATA, calling the MDB through {@code EndpointInvoker}), and the protocol's parsers ({@code SmtpInput},
 * {@code DataContentStream}, {@code MailPath}), fuzzed in {@code SmtpParserFuzzTest}.
 */
package io.moat.smtp.internal;
