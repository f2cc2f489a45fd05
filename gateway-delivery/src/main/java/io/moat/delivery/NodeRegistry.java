package io.moat.delivery;

import io.moat.persistence.NodeEntity;
import io.moat.persistence.NodeRepository;
import io.moat.settings.GatewaySettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The nodes sharing the database, as the dashboard and {@code /api/v1/nodes} show them (issue #33): each node records
 * its start (id, this run, version, address), a heartbeat every {@value #HEARTBEAT_SECONDS} seconds and its stop; one
 * whose heartbeat is older than {@link #SILENT} is shown as not answering (killed, hung or cut off), and what it still
 * holds (its leased messages) passes to the others once the leases run out.
 */
@ApplicationScoped
public class NodeRegistry {

    private static final Logger LOG = Logger.getLogger(NodeRegistry.class.getName());
    static final long HEARTBEAT_SECONDS = 5;
    /** Three heartbeats missed. */
    static final Duration SILENT = Duration.ofSeconds(3 * HEARTBEAT_SECONDS);

    /** A node's state: running, silent, or stopped cleanly. */
    public enum State {
        UP, NOT_ANSWERING, STOPPED
    }

    /** A node as shown: its leases are the pending messages it holds now. */
    public record Node(String id, String address, String version, Instant startedAt, Instant lastHeartbeat,
            State state, long leases) {
    }

    @Inject
    NodeRepository nodes;

    @Inject
    GatewaySettings settings;

    private final String instance = UUID.randomUUID().toString();
    private ScheduledFuture<?> task;

    /**
     * Returns once no other run of this node's id is alive: a row without a stop whose heartbeat is older than
     * {@link #SILENT} is a run that was killed; one whose heartbeat moves while this start waits is a live gateway with
     * the same id, and this start is refused (two runs of one id would release each other's leases and take each
     * other's spool files). Waits at most {@link #SILENT} and a heartbeat for a killed run's heartbeat to go stale.
     *
     * @throws IllegalStateException if another run of this id is alive
     */
    public void awaitNoOtherRun() throws InterruptedException {
        String id = settings.nodeId();
        Instant deadline = Instant.now().plus(SILENT).plusSeconds(HEARTBEAT_SECONDS);
        Instant seen = null;
        while (true) {
            Optional<NodeEntity> row = nodes.find(id);
            if (row.isEmpty() || row.get().getStoppedAt() != null
                    || row.get().getHeartbeatAt().isBefore(Instant.now().minus(SILENT))) {
                return;
            }
            Instant beat = row.get().getHeartbeatAt();
            if (seen != null && beat.isAfter(seen) || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("Moat cannot start: another gateway runs with the node id '" + id
                        + "' (its last heartbeat " + beat + "): give every node its own MOAT_NODE_ID");
            }
            if (seen == null) {
                LOG.info(() -> "node id '" + id + "' beat " + beat + " without a stop; waiting up to " + SILENT
                        + " for that run to prove dead");
            }
            seen = beat;
            Thread.sleep(1000);
        }
    }

    /** Records this node's start and beats every few seconds on {@code scheduler}. */
    public synchronized void start(ScheduledExecutorService scheduler) {
        nodes.started(settings.nodeId(), instance, version(), settings.nodeAddress().orElse(null), Instant.now());
        task = scheduler.scheduleWithFixedDelay(this::beat, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
    }

    /** Records this node's stop (not after a kill: then its heartbeat just stops). */
    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
            try {
                nodes.stopped(settings.nodeId(), instance, Instant.now());
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "the node's stop could not be recorded", e);
            }
        }
    }

    private void beat() {
        try {
            if (!nodes.heartbeat(settings.nodeId(), instance, Instant.now())) {
                LOG.severe(() -> "another gateway started with this node's id '" + settings.nodeId() + "': every"
                        + " node needs an id of its own (MOAT_NODE_ID), or their leases and spool files mix");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the node's heartbeat could not be written (is the database reachable?)", e);
        }
    }

    /** Every node that ever ran on this database, by id, with what it holds now. */
    public List<Node> nodes() {
        Instant now = Instant.now();
        Map<String, Long> leases = nodes.leasesByNode(now);
        return nodes.list().stream().map(n -> node(n, now, leases.getOrDefault(n.getNodeId(), 0L))).toList();
    }

    static Node node(NodeEntity n, Instant now, long leases) {
        State state = n.getStoppedAt() != null
                ? State.STOPPED
                : n.getHeartbeatAt().isBefore(now.minus(SILENT)) ? State.NOT_ANSWERING : State.UP;
        return new Node(n.getNodeId(), n.getAddress(), n.getVersion(), n.getStartedAt(), n.getHeartbeatAt(), state,
                leases);
    }

    /** This build's version (from the EAR). */
    static String version() {
        try (InputStream in = NodeRegistry.class.getResourceAsStream("moat-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
