/**
 * The quarantine's actions: release (to all or some recipients), rescan (with passwords for encrypted attachments,
 * under the message's rule or another), forward, download and delete, each recorded with who, from where and when;
 * and the retention purge. A released or rescanned message goes back to the pipeline, due at once; nothing here
 * delivers or decides by itself.
 */
package io.moat.delivery.quarantine;
