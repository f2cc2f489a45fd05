/** Implementation of the SMTP adapter: the listener around subethasmtp, per-session handlers, endpoint calls. */
package io.moat.smtp.internal;
