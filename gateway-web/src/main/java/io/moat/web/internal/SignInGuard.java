package io.moat.web.internal;

import io.moat.smtp.api.Cidr;
import io.moat.web.internal.FailureLimiter.Attempt;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Limits failed sign-ins (console and REST API alike) per client address and per user name, so that nobody can try
 * passwords faster than {@code moat.auth.max-failures-per-address} from one address, or
 * {@code moat.auth.max-failures-per-user} at one user from many, per {@code moat.auth.failure-window}. A refused
 * attempt is not checked at all: no PBKDF2 is spent on it. IPv6 clients count per /64, the block one subscriber
 * usually holds. The per-user limit is also how someone with many addresses can keep a user out for a while (until
 * the window passes); the per-address limit is the lower one so that one address cannot do it alone.
 */
@ApplicationScoped
public class SignInGuard {

    private static final Logger LOG = Logger.getLogger(SignInGuard.class.getName());
    /** Keys kept per limit: each takes a failure within the window to make, i.e. a password verification. */
    private static final int MAX_KEYS = 10_000;
    /** User names beyond this length count as their first characters. */
    private static final int MAX_NAME = 128;

    /** An attempt let through or refused; give it back to {@link #succeeded} or {@link #failed}. */
    public record Ticket(String address, String user, Optional<Duration> refusedFor, boolean lastForAddress,
            boolean lastForUser, boolean userCounted) {
    }

    @Inject
    @ConfigProperty(name = "moat.auth.max-failures-per-address", defaultValue = "10")
    int maxPerAddress;

    @Inject
    @ConfigProperty(name = "moat.auth.max-failures-per-user", defaultValue = "30")
    int maxPerUser;

    @Inject
    @ConfigProperty(name = "moat.auth.failure-window", defaultValue = "PT15M")
    Duration window;

    private FailureLimiter byAddress;
    private FailureLimiter byUser;
    /**
     * User and address pairs that signed in right within the window (until when, nanoTime): the per-user limit does
     * not keep them out, so that failures from elsewhere cannot lock out an admin or an integrator at its usual
     * address; the per-address limit still counts them.
     */
    private final Map<String, Long> known = new ConcurrentHashMap<>();

    @PostConstruct
    void init() {
        if (maxPerAddress < 1 || maxPerUser < 1) {
            throw new IllegalArgumentException("moat.auth.max-failures-per-address (" + maxPerAddress
                    + ") and moat.auth.max-failures-per-user (" + maxPerUser + ") must be at least 1");
        }
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("moat.auth.failure-window must be more than zero and at most P1D,"
                    + " e.g. PT15M; it is " + window);
        }
        byAddress = new FailureLimiter(maxPerAddress, window, MAX_KEYS, System::nanoTime);
        byUser = new FailureLimiter(maxPerUser, window, MAX_KEYS, System::nanoTime);
    }

    /** Checks the limits at deployment: a bad value stops it with the message above, not a later sign-in. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        LOG.fine(() -> "sign-in failures limited to " + maxPerAddress + " per address and " + maxPerUser
                + " per user within " + window);
    }

    /** Counts an attempt from {@code remoteAddress} as {@code user}, or refuses it (then nothing is counted). */
    public Ticket attempt(String remoteAddress, String user) {
        String address = addressKey(remoteAddress);
        String name = user.length() > MAX_NAME ? user.substring(0, MAX_NAME) : user;
        Attempt fromAddress = byAddress.attempt(address);
        if (!fromAddress.allowed()) {
            return new Ticket(address, name, Optional.of(fromAddress.retryAfter()), false, false, false);
        }
        Attempt atUser = byUser.attempt(name);
        if (!atUser.allowed()) {
            Long until = known.get(name + "\n" + address);
            if (until != null && until - System.nanoTime() > 0) {
                return new Ticket(address, name, Optional.empty(), fromAddress.last(), false, false);
            }
            byAddress.succeeded(address); // not tried: give it back
            return new Ticket(address, name, Optional.of(atUser.retryAfter()), false, false, false);
        }
        return new Ticket(address, name, Optional.empty(), fromAddress.last(), atUser.last(), true);
    }

    /** The password was right: the attempt counts as no failure, and the pair is known for the window. */
    public void succeeded(Ticket ticket) {
        if (ticket.refusedFor().isEmpty()) {
            byAddress.succeeded(ticket.address());
            if (ticket.userCounted()) {
                byUser.succeeded(ticket.user());
            }
            long now = System.nanoTime();
            if (known.size() >= MAX_KEYS) {
                known.values().removeIf(until -> until - now <= 0);
            }
            if (known.size() < MAX_KEYS) {
                known.put(ticket.user() + "\n" + ticket.address(), now + window.toNanos());
            }
        }
    }

    /** The password was wrong: the failure stays counted; the log says when a limit is reached. */
    public void failed(Ticket ticket) {
        if (ticket.lastForAddress()) {
            LOG.warning(() -> maxPerAddress + " failed sign-ins from " + ticket.address() + " within " + window
                    + ": more from there are refused (429) without being checked, one let through every "
                    + window.dividedBy(maxPerAddress).toSeconds() + " s");
        }
        if (ticket.lastForUser()) {
            LOG.warning(() -> maxPerUser + " failed sign-ins as user '" + printable(ticket.user()) + "' within "
                    + window + ": more as this user are refused (429) from every address without being checked,"
                    + " one let through every " + window.dividedBy(maxPerUser).toSeconds() + " s");
        }
    }

    /** The address a limit counts: IPv4 as it is, IPv6 by its /64 (what one subscriber usually holds). */
    static String addressKey(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.indexOf(':') < 0) {
            return String.valueOf(remoteAddress);
        }
        try {
            return Cidr.clientKey(InetAddress.getByName(remoteAddress)); // an IPv6 literal: no name lookup
        } catch (UnknownHostException e) {
            return remoteAddress;
        }
    }

    /** A user name as the log may show it: no line breaks or other control characters, at most 64 characters. */
    static String printable(String name) {
        StringBuilder shown = new StringBuilder();
        name.codePoints().limit(64).forEach(c -> shown.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return name.codePointCount(0, name.length()) > 64 ? shown + "..." : shown.toString();
    }
}
