/**
 * Test and demo doubles for the gateway, never shipped in the product.
 *
 * <p>
 * {@link io.moat.devtools.CoreEmulator} speaks the MetaDefender Core v4 REST API (file submission, result polling,
 * callbacks, EICAR and encrypted-archive verdicts, a deterministic Deep CDR with its sanitized files); {@link io.moat.devtools.SmtpSink} is an SMTP server that keeps
 * every message it receives; {@link io.moat.devtools.DevTools} starts both for a local demo.
 */
package io.moat.devtools;
