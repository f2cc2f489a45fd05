/**
 * Delivery to the downstream SMTP servers of a recipient's route: connections (kept for the next message),
 * encryption as the profile asks, our pipelined SMTP transaction with the message streamed from the spool file,
 * and one result per recipient (ADRs 0011, 0022, 0028).
 */
package io.moat.delivery.outbound;
