/**
 * The pipeline a message follows once it is accepted, and the application's face to the web module:
 * {@link io.moat.delivery.GatewayStartup} (schema, spool, profiles, pipeline, listeners, in that order),
 * {@link io.moat.delivery.MessageQueries} (the read side, DTOs only) and {@link io.moat.delivery.MessageRetryService}.
 * The subpackages are the pipeline's rooms and are used by nothing outside this module (the architecture test says
 * so): {@code intake}, {@code pipeline}, {@code commit}, {@code scan}, {@code marks}, {@code outbound}, {@code dsn},
 * {@code notify}.
 */
package io.moat.delivery;
