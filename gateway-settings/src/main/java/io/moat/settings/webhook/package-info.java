/**
 * The webhook listener Core's callbacks arrive on: made what the Core profiles' webhook settings want, on the
 * running server, without a restart (ADR 0039).
 */
package io.moat.settings.webhook;
