/**
 * Notifications by mail about a message the pipeline holds or fails: who is told (its recipients, its sender, the
 * admins per outcome or in a digest; never about a message of the gateway's own, never the null sender), in which
 * words (the settings' templates, every value escaped), and the RFC 5322 message ({@code Auto-Submitted:
 * auto-generated}) written to the spool and recorded, in the transaction that holds the message, as a message of
 * kind {@code NOTIFICATION} that the pipeline delivers like a DSN. The rescan link of a recipient's notice comes
 * from {@link io.moat.delivery.notify.RescanLinks}.
 */
package io.moat.delivery.notify;
