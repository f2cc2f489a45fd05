/**
 * The inbound JCA resource adapter's two container-facing classes: {@code SmtpResourceAdapter}, which is also the
 * {@link io.moat.smtp.api.SmtpAdapterControl} through which the application applies its stored endpoints (ADR 0009),
 * and {@code SmtpActivationSpec}, which only activates the one MDB every endpoint delivers to and carries no listener
 * settings. Each endpoint binds, accepts and runs its sessions on threads of its own (ADR 0021, ADR 0027); all of
 * that is in {@code internal}.
 */
package io.moat.smtp;
