/**
 * The public rescan page's links: a random token per link (256 bits, base64url), stored only as its SHA-256; its
 * expiry, its single use once a right password was given, and the passwords it may still take. Whoever holds a
 * token may see the held message's sender, subject, date and protected attachments' names, and try passwords for
 * them; nothing here scans, decides or delivers (the face {@code PublicRescan} asks the quarantine for a rescan).
 * {@link io.moat.delivery.links.NoticeLinks} gives the notifier a link per recipient told (its seam
 * {@code notify.RescanLinks}).
 */
package io.moat.delivery.links;
