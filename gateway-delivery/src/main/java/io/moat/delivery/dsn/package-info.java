/** Delivery status notifications (RFC 3464) to the sender of what was blocked, failed or expired. */
package io.moat.delivery.dsn;
