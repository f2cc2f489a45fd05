/**
 * Implementation of the management edge: assemblers from records to DTOs; the accounts and how callers prove who
 * they are (PBKDF2 hashes, right passwords remembered briefly, failures limited per address and user, what console
 * HTTPS asks of each request); problem bodies and the error pages that write them.
 */
package io.moat.web.internal;
