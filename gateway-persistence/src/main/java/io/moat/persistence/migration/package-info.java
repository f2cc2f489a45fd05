/**
 * The schema's migrations: Flyway applies the scripts in {@code db/migration} in version order, checks the
 * checksums of those already applied, and takes over a database that the hand-written migrator before it kept
 * (ADR 0025).
 */
package io.moat.persistence.migration;
