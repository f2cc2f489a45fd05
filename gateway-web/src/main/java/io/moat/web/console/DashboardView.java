package io.moat.web.console;

import io.moat.delivery.MessageQueries;
import io.moat.delivery.NodeRegistry;
import io.moat.delivery.Quarantine;
import io.moat.persistence.CertificateExpiryReport;
import io.moat.persistence.CertificateExpiryReport.Expiring;
import io.moat.persistence.MessageState;
import io.moat.settings.profiles.ReachabilityService;
import io.moat.settings.profiles.ReachabilityService.Reachability;
import io.moat.settings.rules.SecurityRuleService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The dashboard: messages by state, queue depth, mail bypassed unscanned and recipients no security rule took, the
 * quarantine's size and what the retention purge removed in the last 24 hours, whether Core and the downstream
 * servers answer, the gateway nodes, expiring certificates.
 */
@Named("dashboard")
@RequestScoped
public class DashboardView {

    /** How many messages in a state were received in the last hour and the last day. */
    public record StateCount(String state, long lastHour, long lastDay, boolean problem) {
    }

    @Inject
    MessageQueries messages;

    @Inject
    ReachabilityService reachability;

    @Inject
    CertificateExpiryReport expiry;

    @Inject
    SecurityRuleService rules;

    @Inject
    Quarantine quarantine;

    @Inject
    NodeRegistry nodeRegistry;

    private List<StateCount> states;
    private long queueDepth;
    private long lastHour;
    private long lastDay;
    private long bypassedLastDay;
    private long held;
    private Quarantine.PurgedDto purged;
    private List<Expiring> expiring;

    @PostConstruct
    void load() {
        Instant now = Instant.now();
        Map<MessageState, Long> hour = messages.countByStateReceivedSince(now.minus(Duration.ofHours(1)));
        Map<MessageState, Long> day = messages.countByStateReceivedSince(now.minus(Duration.ofDays(1)));
        states = new ArrayList<>();
        for (MessageState state : MessageState.values()) {
            long h = hour.getOrDefault(state, 0L);
            long d = day.getOrDefault(state, 0L);
            states.add(new StateCount(state.name(), h, d, d > 0 && (state == MessageState.FAILED
                    || state == MessageState.DEFERRED)));
            lastHour += h;
            lastDay += d;
        }
        queueDepth = messages.countPending();
        bypassedLastDay = messages.countBypassedSince(now.minus(Duration.ofDays(1)));
        held = quarantine.countHeld();
        purged = quarantine.purgedSince(now.minus(Duration.ofDays(1)));
    }

    public List<StateCount> getStates() {
        return states;
    }

    public long getLastHour() {
        return lastHour;
    }

    public long getLastDay() {
        return lastDay;
    }

    /** Messages not yet in a final state: received, being scanned, queued or deferred. */
    public long getQueueDepth() {
        return queueDepth;
    }

    /** Messages received in the last 24 hours that a rule delivered unscanned, Core having failed past its limit. */
    public long getBypassedLastDay() {
        return bypassedLastDay;
    }

    /** Recipients refused at RCPT because no security rule took them, since the gateway started. */
    public long getRefusedWithoutRule() {
        return rules.refusedWithoutRuleCount();
    }

    /** Messages in the quarantine now: blocked, held for a password, set aside. */
    public long getHeld() {
        return held;
    }

    /** What the retention purge removed in the last 24 hours, and when it last ran (null: not in that time). */
    public Quarantine.PurgedDto getPurged() {
        return purged;
    }

    public List<Reachability> getServers() {
        return reachability.check();
    }

    /** The gateway nodes sharing the database, whether they answer and what they hold. */
    public List<NodeRegistry.Node> getNodes() {
        return nodeRegistry.nodes();
    }

    /** Read once per page: the page asks three times, and each reading checks every certificate in use. */
    public List<Expiring> getExpiring() {
        if (expiring == null) {
            expiring = expiry.expiring();
        }
        return expiring;
    }
}
