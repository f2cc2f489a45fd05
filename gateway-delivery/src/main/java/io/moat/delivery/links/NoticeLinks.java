package io.moat.delivery.links;

import io.moat.delivery.notify.RescanLinks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * The links of recipients' notices ({@link RescanLinks}, the notifier's seam): a new link for each recipient told of a
 * message held for a password. The notifier asks before the hold is committed; the page looks at the message's
 * state when the link is opened, so a link to a hold that then failed leads nowhere.
 */
@ApplicationScoped
public class NoticeLinks implements RescanLinks {

    @Inject
    Links links;

    @Override
    public Optional<Link> linkFor(String messageId, String recipient) {
        Links.Link link = links.issue(messageId);
        return Optional.of(new Link(link.url(), link.expiresAt()));
    }
}
