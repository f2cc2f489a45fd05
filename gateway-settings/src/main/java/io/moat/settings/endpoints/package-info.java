/**
 * SMTP endpoints: each listening port's encryption, limits and relay policy, validated here and pushed to the SMTP
 * adapter through its control interface (ADR 0009).
 */
package io.moat.settings.endpoints;
