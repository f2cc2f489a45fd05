package io.moat.web.internal;

import io.moat.web.internal.FailureLimiter.Attempt;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits what one client address may try on the public rescan page: at most {@code moat.rescan.max-failures-per-address}
 * failures per {@code moat.rescan.failure-window} (a link that opens nothing, a wrong password), counted per address
 * as sign-in failures are ({@link SignInGuard#addressKey}: IPv6 per /64) but apart from them, so that the page
 * cannot lock an admin out of the console nor the other way round. A token has 256 bits: this limit is not what keeps
 * tokens from being guessed, but what keeps one address from trying many passwords through the links it has, or from
 * keeping Core and the page's threads busy. The per-link limit (Settings › Rescan page) is the database's.
 */
@ApplicationScoped
public class RescanGuard {

    private static final Logger LOG = Logger.getLogger(RescanGuard.class.getName());
    private static final int MAX_KEYS = 10_000;

    /** An attempt let through, or refused for how long; give it back to {@link #succeeded} or {@link #failed}. */
    public record Ticket(String address, Optional<Duration> refusedFor, boolean last) {
    }

    @Inject
    @ConfigProperty(name = "moat.rescan.max-failures-per-address", defaultValue = "10")
    int maxPerAddress;

    @Inject
    @ConfigProperty(name = "moat.rescan.failure-window", defaultValue = "PT15M")
    Duration window;

    private FailureLimiter byAddress;

    @PostConstruct
    void init() {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("moat.rescan.max-failures-per-address must be at least 1; it is "
                    + maxPerAddress);
        }
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("moat.rescan.failure-window must be more than zero and at most P1D,"
                    + " e.g. PT15M; it is " + window);
        }
        byAddress = new FailureLimiter(maxPerAddress, window, MAX_KEYS, System::nanoTime);
    }

    /** Checks the limits at deployment: a bad value stops it with the message above. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        LOG.fine(() -> "rescan page failures limited to " + maxPerAddress + " per address within " + window);
    }

    /** Counts a request of the page from {@code remoteAddress} as a failure until it succeeds, or refuses it. */
    public Ticket attempt(String remoteAddress) {
        String address = SignInGuard.addressKey(remoteAddress);
        Attempt attempt = byAddress.attempt(address);
        return attempt.allowed()
                ? new Ticket(address, Optional.empty(), attempt.last())
                : new Ticket(address, Optional.of(attempt.retryAfter()), false);
    }

    /** The request opened a link, or gave a right password: no failure. */
    public void succeeded(Ticket ticket) {
        if (ticket.refusedFor().isEmpty()) {
            byAddress.succeeded(ticket.address());
        }
    }

    /** The request failed (a link that opens nothing, a wrong password): it stays counted; the limit is logged. */
    public void failed(Ticket ticket) {
        if (ticket.last()) {
            LOG.warning(() -> maxPerAddress + " failures on the rescan page from " + ticket.address() + " within "
                    + window + " (links that open nothing, wrong passwords): more from there are refused (429), one"
                    + " let through every " + window.dividedBy(maxPerAddress).toSeconds() + " s");
        }
    }
}
