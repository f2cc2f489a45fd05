/**
 * Settings &gt; Notifications: who is told by mail when a message is held or fails (its recipients, its sender, the
 * admins per outcome, in a digest if asked), from which address, through which SMTP profile, and in which words (a
 * template per kind, text and HTML, with placeholders). One JSON document in {@code moat_setting}; the pipeline's
 * {@code io.moat.delivery.notify} room applies it.
 */
package io.moat.settings.notifications;
