package io.moat.delivery.notify;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Where the rescan link of a recipient's notice comes from: THE seam between notifications and the public rescan
 * page's tokens. The notifier asks it only for a message held for a password ({@code PASSWORD_REQUIRED}), once per
 * recipient told, before the held state is committed and outside any transaction; a link it hands out for a message
 * whose hold then fails to commit must lead nowhere harmful (the page finds the message not held).
 *
 * <p>Its one implementation is the rescan page's, {@code io.moat.delivery.links.NoticeLinks}: a new link per call,
 * valid for Settings › Rescan page's {@code linkValidity} (ADR 38).
 */
public interface RescanLinks {

    /**
     * The link to the rescan page for {@code recipient} of message {@code messageId}, and until when it is valid;
     * empty when there is none to give.
     */
    Optional<Link> linkFor(String messageId, String recipient);

    /** A link to the public rescan page and the instant it stops working. */
    record Link(URI url, Instant expires) {
    }
}
