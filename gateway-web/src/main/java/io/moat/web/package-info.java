/**
 * The management edge: the REST API for integrators ({@code /api/v1}) and its authentication (the health checks are
 * the persistence module's, ADR 0004).
 * Resources speak DTOs only: messages come as DTOs from the application's {@code MessageQueries}, settings are
 * turned into DTOs by the assemblers in {@code internal}.
 */
package io.moat.web;
