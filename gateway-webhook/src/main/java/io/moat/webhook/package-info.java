/**
 * The receiver of Core's callbacks, served by its own Undertow server on the webhook port (default 8089; where and
 * over which TLS, the Core profiles' webhook settings say, ADR 0039). A callback only makes its message due; the
 * verdict is read from Core.
 */
package io.moat.webhook;
