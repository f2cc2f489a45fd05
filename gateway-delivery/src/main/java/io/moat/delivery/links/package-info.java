/**
 * The public rescan page's links: a random token per link (256 bits, base64url), stored only as its SHA-256; its
 * expiry, its single use once a right password was given, and the passwords it may still take. Whoever holds a
 * token may see the held message's sender, subject, date and protected attachments' names, and try passwords for
 * them; nothing here scans, decides or delivers (the face {@code PublicRescan} asks the quarantine for a rescan).
 */
package io.moat.delivery.links;
