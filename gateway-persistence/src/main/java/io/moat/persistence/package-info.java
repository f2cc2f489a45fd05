/**
 * What the gateway keeps: message records and their attachments' verdicts and delivery attempts (JPA, unit
 * {@code moat}), the schema migrations that own the tables, and the spool that holds each message's raw bytes
 * on disk, streamed and fsynced, never whole in memory.
 */
package io.moat.persistence;
