/**
 * The management edge: the REST API for integrators ({@code /api/v1}), its authentication, and health checks.
 * Resources speak DTOs only; assemblers in {@code internal} turn records into them.
 */
package io.moat.web;
