/**
 * What the administrator sets and the gateway keeps: the bootstrap configuration ({@link GatewaySettings},
 * MicroProfile Config {@code moat.*}), the general settings, secrets at rest ({@link Secrets}) and the one refusal
 * every settings service throws ({@link RefusedException}, mapped to a 4xx problem by the web module). The
 * subpackages hold one kind of setting each; the pipeline reaches them only through their services.
 */
package io.moat.settings;
