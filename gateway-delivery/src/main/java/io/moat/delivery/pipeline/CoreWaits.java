package io.moat.delivery.pipeline;

import io.moat.mime.AttachmentExtractor;
import io.moat.settings.GatewaySettings;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The messages this node keeps in memory while their files are at Core (ADR 0041), within
 * {@code moat.pipeline.waiting-max} messages and {@code moat.pipeline.waiting-max-bytes} of decoded parts: a message
 * that does not fit is recorded and polled from the database as before. A parked message wakes when Core has called
 * back for all its unfinished files, or when its time comes (the next check of a polled file, the fallback poll of
 * one awaiting a callback), and is handed to the pipeline to resume; nothing about it is written meanwhile. The
 * tokens of the callbacks its files await are kept here, hashed, until its run is recorded (then in the database).
 */
@ApplicationScoped
public class CoreWaits {

    private static final Logger LOG = Logger.getLogger(CoreWaits.class.getName());
    /** How often parked messages whose time has come are looked for. */
    private static final long SWEEP_MILLIS = 10;

    @Resource(lookup = "java:jboss/ee/concurrency/scheduler/default")
    ManagedScheduledExecutorService scheduler;

    @Inject
    GatewaySettings settings;

    /** A callback Core was asked to make, by the hash of its token; used once. */
    public static final class Expected {
        private final String tokenHash;
        private final String dataId;
        private volatile boolean called;
        private volatile Instant calledAt;
        private volatile Waiting owner;

        Expected(String tokenHash, String dataId) {
            this.tokenHash = tokenHash;
            this.dataId = dataId;
        }

        boolean called() {
            return called;
        }

        /** How long after {@code submitted} the callback came: an upper bound of Core's time for the file. */
        Duration calledAfter(Instant submitted) {
            Instant at = calledAt;
            return at == null ? null : Duration.between(submitted, at);
        }

        String tokenHash() {
            return tokenHash;
        }
    }

    /** What a callback found here. */
    public enum Callback {
        /** Its token is not one kept here: the database decides. */
        NOT_HERE,
        /** One awaited here: used up; its message wakes once all its files are called back. */
        TAKEN,
        /** Its token is kept here, but for another file: nothing changes. */
        REFUSED
    }

    /**
     * A parked message as the console and the REST API show it, since nothing of it is recorded yet: being scanned,
     * its subject and its parts with what Core has said so far.
     */
    public record Shown(String subject, List<Part> parts) {

        /** One part: {@code dataId} once submitted, {@code category} and {@code label} once Core decided. */
        public record Part(String fileName, String contentType, long size, String dataId, Integer code, String label,
                String category) {
        }
    }

    private final Map<String, Expected> expected = new ConcurrentHashMap<>();
    /** The parked messages by id, for {@link #shown}. */
    private final Map<String, Waiting> byId = new ConcurrentHashMap<>();
    /** Parked messages by when they wake; changed under its own lock only, with their {@code woken} flags. */
    private final TreeSet<Waiting> parked = new TreeSet<>(
            Comparator.comparing((Waiting w) -> w.wakeAt).thenComparingLong(w -> w.sequence));
    private long sequence;
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private volatile Consumer<Waiting> resume;
    private ScheduledFuture<?> sweep;

    /** Starts waking parked messages, each handed to {@code resumer} (without a scheduler, only by callbacks). */
    public synchronized void start(Consumer<Waiting> resumer) {
        this.resume = resumer;
        if (sweep == null && scheduler != null) {
            sweep = scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops waking; returns the ids of the messages parked, whose leases the caller gives up. */
    public synchronized List<String> stop() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        resume = null;
        List<String> ids = new ArrayList<>();
        synchronized (parked) {
            for (Waiting w = parked.pollFirst(); w != null; w = parked.pollFirst()) {
                w.woken.set(true);
                released(w);
                ids.add(w.message.id());
            }
        }
        expected.clear();
        byId.clear();
        return ids;
    }

    /** Keeps the token of a callback asked for {@code dataId} until the run that asked is recorded ({@link #forget}). */
    Expected expect(String tokenHash, String dataId) {
        Expected e = new Expected(tokenHash, dataId);
        expected.put(tokenHash, e);
        return e;
    }

    /** The run that asked for these callbacks is recorded: the tokens not used are in the database now. */
    void forget(List<Attachment> attachments) {
        for (Attachment a : attachments) {
            if (a.expected != null) {
                expected.remove(a.expected.tokenHash, a.expected);
                a.expected = null;
            }
        }
    }

    /**
     * Parks {@code w} until {@code wakeAt} or its callbacks, if there is room.
     *
     * @return false when it does not fit (or the pipeline is stopped): the caller records it instead
     */
    boolean park(Waiting w, Instant wakeAt) {
        if (resume == null) {
            return false;
        }
        // both counted before either is checked: released() takes both back
        int messages = count.incrementAndGet();
        long held = bytes.addAndGet(w.bytes);
        if (messages > settings.waitingMax() || held > settings.waitingMaxBytes()) {
            released(w);
            return false;
        }
        for (Attachment a : w.attachments) {
            if (a.expected != null) {
                a.expected.owner = w;
            }
        }
        synchronized (parked) {
            w.wakeAt = wakeAt;
            w.sequence = ++sequence;
            parked.add(w);
            byId.put(w.message.id(), w);
            w.woken.set(false);
        }
        if (w.allCalledBack()) {
            wake(w); // the last callback came while it was being parked
        }
        return true;
    }

    /**
     * A callback with a token kept here: the token is used up, and its message wakes if it was the last awaited.
     * Found by the token's hash (SHA-256 of a 256-bit token, {@code SecretTokens}): how much of a hash a lookup
     * compared tells nothing about a token.
     */
    public Callback called(String tokenHash, String dataId) {
        Expected e = expected.get(tokenHash);
        if (e == null) {
            return Callback.NOT_HERE;
        }
        if (!e.dataId.equals(dataId)) {
            return Callback.REFUSED;
        }
        if (!expected.remove(tokenHash, e)) {
            return Callback.NOT_HERE; // used by a callback just before this one
        }
        e.calledAt = Instant.now();
        e.called = true;
        Waiting w = e.owner;
        if (w != null && !w.woken.get() && w.allCalledBack()) {
            wake(w);
        }
        return Callback.TAKEN;
    }

    /** What a message waiting here for Core is at, if it is (on this node). */
    public Optional<Shown> shown(String messageId) {
        Waiting w = byId.get(messageId);
        if (w == null) {
            return Optional.empty();
        }
        Map<Integer, String> types = new HashMap<>();
        String subject = w.message.subject();
        AttachmentExtractor.Extraction extraction = w.progress.extraction;
        if (extraction != null) {
            subject = extraction.subject();
            extraction.attachments().forEach(a -> types.put(a.index(), a.contentType()));
        }
        List<Shown.Part> parts = new ArrayList<>();
        for (Attachment a : w.attachments) {
            parts.add(new Shown.Part(a.fileName, types.get(a.index), a.size, a.dataId, a.code, a.label,
                    a.category == null ? null : a.category.name()));
        }
        return Optional.of(new Shown(subject, parts));
    }

    /** Whether the message waits here for Core (on this node). */
    public boolean waiting(String messageId) {
        return byId.containsKey(messageId);
    }

    /** How many messages are parked now. */
    public int parkedNow() {
        return count.get();
    }

    void sweep() {
        try {
            Instant now = Instant.now();
            List<Waiting> due = new ArrayList<>();
            synchronized (parked) {
                while (!parked.isEmpty() && !parked.first().wakeAt.isAfter(now)) {
                    Waiting w = parked.pollFirst();
                    w.woken.set(true);
                    due.add(w);
                }
            }
            due.forEach(this::resume);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "waking messages waiting for Core failed; trying again shortly", e);
        }
    }

    private void wake(Waiting w) {
        synchronized (parked) {
            if (w.woken.get()) {
                return;
            }
            w.woken.set(true);
            parked.remove(w);
        }
        resume(w);
    }

    private void resume(Waiting w) {
        byId.remove(w.message.id(), w);
        released(w);
        Consumer<Waiting> resumer = resume;
        if (resumer != null) {
            resumer.accept(w);
        }
    }

    private void released(Waiting w) {
        count.decrementAndGet();
        bytes.addAndGet(-w.bytes);
    }
}
