/**
 * The inbound JCA resource adapter: each MDB activation of {@link io.moat.smtp.api.SmtpMessageListener} opens one
 * SMTP listener (subethasmtp) configured by its {@link io.moat.smtp.SmtpActivationSpec}. Each endpoint runs its
 * sessions on threads of its own, as many as its {@code maxConnections} (ADR 21), not the container's
 * {@code WorkManager}. Everything but the two container-facing classes is in {@code internal}.
 */
package io.moat.smtp;
