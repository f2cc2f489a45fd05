/**
 * A stored message taken apart into what Core is to scan: every body and attachment, files carried in text, and the
 * extraction's own findings where the structure is ambiguous or a limit stops the walk (ADR 0019). Plain Java over
 * the spool file; {@link io.moat.mime.AttachmentExtractor}, {@link io.moat.mime.MimeLimits} and {@link io.moat.mime.Octets}
 * (ASCII or not, which SMTPUTF8 and 8BITMIME downstream depend on) are the module's whole surface; the walk's pieces
 * are package-private.
 */
package io.moat.mime;
