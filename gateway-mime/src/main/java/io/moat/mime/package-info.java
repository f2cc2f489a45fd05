/**
 * A stored message taken apart into what Core is to scan: every body and attachment, files carried in text, and the
 * extraction's own findings where the structure is ambiguous or a limit stops the walk (ADR 0019); and the same
 * message written again with a security rule's marks on it. Plain Java over the spool file.
 * {@link io.moat.mime.AttachmentExtractor} (each part with the range of the file that holds it),
 * {@link io.moat.mime.MessageMarker} with its {@link io.moat.mime.Marks} (header fields, subject tag, disclaimer,
 * blocked entities replaced by a text part, parts replaced by a file such as Core's sanitized copy; everything else
 * byte for byte), {@link io.moat.mime.MimeLimits} and
 * {@link io.moat.mime.Octets} (ASCII or not, which SMTPUTF8 and 8BITMIME downstream depend on) are the module's whole
 * surface; the pieces both read entities with ({@code HeaderSection}, {@code MultipartScanner}) and the marker's own
 * ({@code HeaderFields}, {@code TextBody}, {@code DisclaimerText}) are package-private.
 */
package io.moat.mime;
