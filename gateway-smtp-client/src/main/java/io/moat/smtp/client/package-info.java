/**
 * Outbound SMTP, on sockets of its own (ADR 0028): {@link io.moat.smtp.client.SmtpClient} connects to an
 * {@link io.moat.smtp.client.Endpoint} (clear text, STARTTLS optional or required, implicit TLS; AUTH with
 * {@link io.moat.smtp.client.Credentials}) and gives an {@link io.moat.smtp.client.SmtpConnection}, which carries
 * transactions (PIPELINING where offered, the text streamed and dot-stuffed) and answers each with the server's
 * {@link io.moat.smtp.client.Replies}; failures to get that far are {@link io.moat.smtp.client.SmtpFailure}s that say
 * where. Pure Java: no Jakarta EE, no mail library; what a connection negotiated is its {@code SSLSession}.
 */
package io.moat.smtp.client;
