/**
 * The pipeline a message follows once it is accepted, and the application's face to the web module:
 * {@link io.moat.delivery.GatewayStartup} (schema, spool, profiles, pipeline, listeners, in that order),
 * {@link io.moat.delivery.MessageQueries} (the read side, DTOs only), {@link io.moat.delivery.MessageRetryService},
 * {@link io.moat.delivery.Quarantine}, {@link io.moat.delivery.PublicRescan} (the rescan page's links and passwords)
 * and {@link io.moat.delivery.CoreCallbacks} (Core's callbacks, for the webhook module).
 * The subpackages are the pipeline's rooms and are used by nothing outside this module (the architecture test says
 * so): {@code intake}, {@code pipeline}, {@code commit}, {@code scan}, {@code marks}, {@code outbound}, {@code dsn},
 * {@code notify}, {@code quarantine}, {@code links}, {@code tokens}.
 */
package io.moat.delivery;
