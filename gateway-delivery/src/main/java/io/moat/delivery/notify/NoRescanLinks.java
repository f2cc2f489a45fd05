package io.moat.delivery.notify;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The default {@link RescanLinks}: no link, so a recipient's notice leaves out the lines that would offer one. Stands
 * until the public rescan page and its tokens exist (issue #31); see {@link RescanLinks} for how that replaces it.
 */
@ApplicationScoped
public class NoRescanLinks implements RescanLinks {

    @Override
    public Optional<Link> linkFor(String messageId, String recipient) {
        return Optional.empty();
    }
}
