/**
 * The receiver of Core's callbacks, served by its own Undertow server on the webhook port (default 8089; where and
 * over which TLS, the Core profiles' webhook settings say, ADR 0039). A callback only makes its message due; the
 * verdict is read from Core. Every request is answered by an Undertow handler in front of the module's servlet chain
 * ({@link io.moat.webhook.CallbackHandler}, ADR 0042).
 */
package io.moat.webhook;
