/**
 * Taking a message from the SMTP adapter: the MDB, the Received: field and the sender's {@code X-Moat-*} fields
 * removed, the spool file, the {@code RECEIVED} record in the shared durable commit, and the hand-over to the pipeline
 * (ADRs 0013, 0015, 0023).
 */
package io.moat.delivery.intake;
