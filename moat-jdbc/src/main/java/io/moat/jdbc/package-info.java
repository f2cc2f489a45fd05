/**
 * The JDBC driver of the gateway's datasource ({@link io.moat.jdbc.MoatDriver}): H2 or PostgreSQL by
 * {@code moat.db.url}. Installed by server-config as the WildFly module {@code io.moat.jdbc}, beside the modules of the
 * two drivers it hands connections to; never part of the EAR (ADR 0043).
 */
package io.moat.jdbc;
