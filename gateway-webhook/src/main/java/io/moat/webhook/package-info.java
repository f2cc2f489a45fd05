/**
 * The receiver of Core's callbacks, served by its own Undertow server on the webhook port (default 8089). In the
 * walking skeleton verdicts are polled; this module only answers that callbacks are not accepted yet.
 */
package io.moat.webhook;
