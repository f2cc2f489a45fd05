/**
 * Secret tokens given out in URLs (rescan links, Core's callbacks) and stored only as their hashes; a leaf every room
 * may use.
 */
package io.moat.delivery.tokens;
