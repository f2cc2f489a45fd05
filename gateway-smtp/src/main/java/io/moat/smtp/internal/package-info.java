/**
 * Implementation of the SMTP adapter: {@code SmtpListener} (one endpoint around a subethasmtp server),
 * {@code SmtpSession} (the conversation on one connection, in the endpoint's TLS mode), {@code MailTransaction}
 * (MAIL to end of DATA, calling the MDB through {@code EndpointInvoker}), and the protocol's parsers
 * ({@code SmtpInput}, {@code DataContentStream}, {@code MailPath}).
 */
package io.moat.smtp.internal;
