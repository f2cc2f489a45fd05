/**
 * Scanning and what it decides: the policy over a message's verdicts, one per part and one per finding of the
 * extraction (deliver, block, quarantine, hold for a password, scan again). Issue #30 replaces the one fixed policy
 * by the administrator's rules.
 */
package io.moat.delivery.scan;
