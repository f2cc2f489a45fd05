/**
 * The pipeline's loop: claims of due messages with a lease, the steps of one message (extract, scan, decide,
 * deliver or notify) and their result in one transaction per claim, messages whose files are at Core waiting in
 * memory until their callbacks or next check ({@code CoreWaits}, {@code CorePace}, ADR 0041), Core's sanitized files
 * fetched for the delivered copy ({@code SanitizedParts}, ADR 0040), the retry schedule, and the spool files
 * reconciled with the records at start-up (ADRs 0003, 0006, 0014, 0015, 0023).
 */
package io.moat.delivery.pipeline;
