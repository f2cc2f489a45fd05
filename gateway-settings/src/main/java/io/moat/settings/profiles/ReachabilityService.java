package io.moat.settings.profiles;

import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfileService.ProbeTarget;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Whether the servers of the profiles answer now (the dashboard's Core and downstream reachability): each server of
 * each profile on its own, all at once, each within a few seconds. Results are kept briefly so that a dashboard
 * refreshed by several admins does not probe the servers each time.
 */
@ApplicationScoped
public class ReachabilityService {

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration KEEP = Duration.ofSeconds(15);

    /** One server of a profile and how it answered. */
    public record Reachability(String profile, String type, String server, boolean reachable, String detail,
            Instant checkedAt) {
    }

    @Inject
    ServerProfileService profiles;

    @Resource
    ManagedExecutorService executor;

    private final Clock clock = Clock.systemUTC();
    private volatile List<Reachability> last;

    /** The servers as last probed, probing them again when that is older than a few seconds. */
    public List<Reachability> check() {
        List<Reachability> known = last;
        if (known != null && !known.isEmpty() && known.get(0).checkedAt().plus(KEEP).isAfter(clock.instant())) {
            return known;
        }
        List<ProbeTarget> targets = profiles.probeTargets(TIMEOUT);
        Instant now = clock.instant();
        List<CompletableFuture<Reachability>> probes = targets.stream()
                .map(t -> CompletableFuture.supplyAsync(() -> probe(t, now), executor)).toList();
        List<Reachability> fresh = probes.stream().map(CompletableFuture::join).toList();
        last = fresh;
        return fresh;
    }

    private static Reachability probe(ProbeTarget target, Instant now) {
        try {
            String detail = target.type() == Type.SMTP
                    ? SmtpProbe.greeting(target.smtp(), TIMEOUT)
                    : "Core " + target.core().version();
            return new Reachability(target.profile(), target.type().name(), target.uri(), true, detail, now);
        } catch (IOException | CoreUnavailableException | CoreRejectedException | RuntimeException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Reachability(target.profile(), target.type().name(), target.uri(), false, reason, now);
        }
    }
}
