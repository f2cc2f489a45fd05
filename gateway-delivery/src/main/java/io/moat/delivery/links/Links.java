package io.moat.delivery.links;

import io.moat.settings.GeneralSettingsService;
import io.moat.settings.RescanPageSettingsService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;

/**
 * Gives out links to the public rescan page: {@code <public server address>/rescan?t=<token>}, valid for Settings ›
 * Rescan page's {@code linkValidity}. The public server address follows console HTTPS (Settings › General), so the
 * link is {@code https://} while the console is served over HTTPS.
 */
@ApplicationScoped
public class Links {

    /** The page's path below the public server address. */
    public static final String PATH = "/rescan";
    /** The query parameter that carries the token. */
    public static final String TOKEN = "t";

    @Inject
    LinkLedger ledger;

    @Inject
    GeneralSettingsService general;

    @Inject
    RescanPageSettingsService settings;

    /** A link and the instant it stops working. */
    public record Link(URI url, Instant expiresAt) {

        @Override
        public String toString() {
            return "Link[expiresAt=" + expiresAt + "]"; // the URL carries the token: never in a log by accident
        }
    }

    /** A new link to {@code messageId}'s page (whatever the message's state: the page checks it when opened). */
    public Link issue(String messageId) {
        LinkLedger.Issued issued = ledger.issue(messageId, settings.get().linkValidity(), Instant.now());
        return new Link(url(general.publicAddress(), issued.token()), issued.expiresAt());
    }

    /** The page at {@code publicAddress} (which may have a path of its own, behind a reverse proxy) for a token. */
    static URI url(URI publicAddress, String token) {
        String base = publicAddress.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(base + PATH + "?" + TOKEN + "=" + token);
    }
}
