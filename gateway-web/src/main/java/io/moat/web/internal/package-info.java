/** Implementation of the management edge: assemblers from records to DTOs, and the admin account. */
package io.moat.web.internal;
