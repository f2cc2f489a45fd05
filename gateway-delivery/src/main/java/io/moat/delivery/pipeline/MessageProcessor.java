package io.moat.delivery.pipeline;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import io.moat.core.VerdictCategory;
import io.moat.delivery.commit.CommitGroup;
import io.moat.delivery.commit.DurableCommits;
import io.moat.delivery.commit.Spool;
import io.moat.delivery.dsn.DsnBuilder;
import io.moat.delivery.marks.CopyMarks;
import io.moat.delivery.notify.Held;
import io.moat.delivery.notify.Notifier;
import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.delivery.scan.ScanPolicy;
import io.moat.delivery.tokens.SecretTokens;
import io.moat.mime.AttachmentExtractor;
import io.moat.mime.MimeLimits;
import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.profiles.RecipientRoutes;
import io.moat.settings.profiles.ScanServers;
import io.moat.settings.rules.SecurityRule.Outcome;
import io.moat.settings.rules.SecurityRule.ScanError;
import io.moat.settings.rules.SecurityRules;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves one claimed message as far as it can go now: extract the attachments, scan them with Core, decide,
 * deliver. The slow work runs with no transaction open; what it learns is collected in a {@link Progress} and
 * recorded, with the lease given up, in one transaction at the end of the claim (shared with other workers'
 * results, {@link DurableCommits}). A message whose verdicts come back at once thus costs one write for its whole way
 * from RECEIVED to DELIVERED.
 */
@ApplicationScoped
public class MessageProcessor {

    private static final Logger LOG = Logger.getLogger(MessageProcessor.class.getName());
    private static final Duration CORE_RETRY = Duration.ofSeconds(5);
    private static final Duration CORE_RETRY_MAX = Duration.ofMinutes(5);
    private static final Duration RESCAN_DELAY = Duration.ofMinutes(1);
    private static final Duration AFTER_ERROR = Duration.ofSeconds(30);
    /** Where the webhook module takes Core's callbacks, after the profile's public URL: {@code /webhook/core/<token>}. */
    private static final String CALLBACK_PATH = "/webhook/core/";
    private final SecretTokens tokens = new SecretTokens(new SecureRandom());
    /** How long a file waits when its Core profile has {@code maxInFlight} files at Core already. */
    private static final Duration ROOM_WAIT = Duration.ofMillis(250);
    private final CoreFlights flights = new CoreFlights();
    /** When this node asks each Core profile for verdicts. */
    private final CorePace pace = new CorePace();
    /**
     * A message's parts are decoded into memory up to this many bytes in all (forwarded messages decoded on the way
     * included), the rest into files: about this much heap per worker (28 by default), and no files for the common
     * message. A text too large for it is searched for embedded files by one claim at a time.
     */
    static final long PARTS_IN_MEMORY = 2L * 1024 * 1024;

    @Inject
    MessageSteps steps;

    @Inject
    DurableCommits commits;

    @Inject
    GatewaySettings settings;

    @Inject
    Spool spool;

    @Inject
    ScanServers core;

    @Inject
    RecipientRoutes routing;

    @Inject
    SecurityRules rules;

    @Inject
    Notifier notifier;

    /** Where messages wait in memory for Core; null (in tests): every run is recorded. */
    @Inject
    CoreWaits waits;

    private RetrySchedule retries;
    private DeliveryAgent agent;
    private MimeLimits limits;

    @PostConstruct
    void init() {
        retries = new RetrySchedule(settings.retryInitial(), settings.retryMax(), settings.maxLifetime());
        agent = new DeliveryAgent(settings.hostName(), Duration.ofMinutes(5));
        limits = new MimeLimits(settings.mimeMaxParts(), settings.mimeMaxDepth(), settings.mimeMaxHeaderBytes(),
                settings.mimeMaxDecodedBytes());
    }

    /** The downstream connections kept for the next message are closed with a QUIT, not left to time out. */
    @PreDestroy
    void close() {
        agent.closeIdle();
    }

    /**
     * Runs what is due of a message this node holds the lease of ({@code m}, read when it was claimed), records it,
     * and gives the lease up.
     */
    public void process(MessageSnapshot m) {
        process(m, null);
    }

    /**
     * Runs what is due of a message this node holds the lease of until {@code leaseUntil} ({@code m}, read when it
     * was claimed); records it and gives the lease up, unless its files are at Core and it may wait for them in
     * memory ({@link CoreWaits}, ADR 0041): then nothing is recorded yet, and it is {@link #resume resumed} when
     * Core calls back or its next check is due. A null {@code leaseUntil} records it whatever happens.
     */
    public void process(MessageSnapshot m, Instant leaseUntil) {
        List<Attachment> attachments = new ArrayList<>();
        m.attachments().forEach(a -> attachments.add(new Attachment(a)));
        run(m, null, attachments, new Progress(), leaseUntil, false);
    }

    /** Goes on with a message that waited in memory for Core: its verdicts are asked for, and it runs on. */
    public void resume(Waiting w) {
        run(w.message, w.rule, w.attachments, w.progress, w.leaseUntil, true);
    }

    private void run(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments, Progress progress,
            Instant leaseUntil, boolean resumed) {
        try {
            SecurityRules.Applied applied = rule;
            if (resumed || !m.state().isFinal() && !m.nextAttemptAt().isAfter(Instant.now())) {
                // a DSN or notification of ours has no rule: it is not scanned, and goes through its own relay
                // profile, else where its recipient's domain routes
                if (!resumed && !m.kind().isOwn()) {
                    applied = rules.applied(m.rule().id(), m.rule().name());
                }
                advance(m, applied, attachments, progress, resumed);
            }
            progress.claimSucceeded = m.failedClaims() > 0;
            if (progress.awaitingCore && park(m, applied, attachments, progress, leaseUntil)) {
                return;
            }
        } catch (IOException | RuntimeException | Error e) {
            // an Error too (OutOfMemoryError, StackOverflowError): one message must never stop the others' mail
            failed(m, progress, e);
        }
        try {
            record(m, attachments, progress);
        } finally {
            if (waits != null) {
                waits.forget(attachments); // the tokens not used are in the database now (or the run is claimed again)
            }
        }
    }

    /**
     * Keeps a message whose files are at Core in memory until their verdicts (or their next check), if there is room
     * and its lease leaves time: half the lease at the least, since it is recorded only when it gets somewhere.
     */
    private boolean park(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            Progress progress, Instant leaseUntil) {
        if (waits == null || leaseUntil == null || progress.due == null) {
            return false;
        }
        Instant latest = leaseUntil.minus(settings.pipelineLease().dividedBy(2));
        if (!Instant.now().isBefore(latest)) {
            return false;
        }
        Instant wakeAt = progress.due.isAfter(latest) ? latest : progress.due;
        return waits.park(new Waiting(m, rule, attachments, progress, leaseUntil), wakeAt);
    }

    /** Records what the runs of {@code m} learned, with where it ends up, and gives the lease up. */
    private void record(MessageSnapshot m, List<Attachment> attachments, Progress progress) {
        String id = m.id();
        // a callback already used (while the message waited in memory) is not stored for a second use
        Set<String> used = new HashSet<>();
        attachments.stream().filter(a -> a.expected != null && a.expected.called())
                .forEach(a -> used.add(a.expected.tokenHash()));
        progress.callbacks.removeIf(c -> used.contains(c.tokenHash()));
        Progress recorded = keepParts(m, progress);
        Instant now = Instant.now();
        try {
            commits.run(() -> steps.apply(id, recorded, now));
        } catch (CommitGroup.NotWritten e) {
            // it committed: nothing may be recorded over it; the lease runs out and the next claim reads what is
            LOG.log(Level.SEVERE, "the outcome of message " + id + " committed but could not be written to the"
                    + " database file (is the disk full or failing?)", e);
            return;
        } catch (RuntimeException e) {
            if (recorded.notices != null) {
                recorded.notices.discard(spool.get());
            }
            recordFailure(m, e);
            return;
        }
        removeFiles(m, recorded);
    }

    /**
     * What a claim learned could not be recorded (its record is refused, or the database is away): the failure alone
     * is recorded, so that a message whose result can never be written is set aside like any other that fails,
     * rather than claimed again every lease. If even that fails, the lease runs out and the claim is made again.
     */
    private void recordFailure(MessageSnapshot m, RuntimeException e) {
        Progress failure = new Progress();
        failed(m, failure, e);
        try {
            commits.run(() -> steps.apply(m.id(), failure, Instant.now()));
            removeFiles(m, failure);
        } catch (RuntimeException again) {
            if (failure.notices != null) {
                failure.notices.discard(spool.get());
            }
            e.addSuppressed(again);
            LOG.log(Level.WARNING, "could not record the outcome of processing message " + m.id() + " (is the"
                    + " database reachable?); it is claimed again when its lease runs out", e);
        }
    }

    /**
     * A claim that failed: what was learned is kept with the state reached (an extraction must not be repeated on
     * top of itself), and the message is tried again later, waiting longer each time; after
     * {@code moat.pipeline.max-failed-claims} failures in a row it is set aside (QUARANTINED) for an admin, its
     * spool file kept, so that a message that fails every time does not come back forever.
     */
    private void failed(MessageSnapshot m, Progress progress, Throwable e) {
        MessageState reached = progress.state != null ? progress.state : m.state();
        if (progress.talking && !(e instanceof Error)) {
            // Core or the downstream failing: every message would fail alike, and none is to blame; the scan's and
            // the delivery's own limits (moat.scan.max-time, moat.delivery.max-lifetime) bound how long it goes on
            boolean expired = retries.expired(m.since(), Instant.now());
            LOG.log(Level.WARNING, "processing message " + m.id() + " failed while talking to "
                    + (reached == MessageState.SCANNING ? "Core" : "the downstream server") + "; " + (expired
                            ? "its lifetime is over: it fails"
                            : "it stays in " + reached + " and is tried again in " + AFTER_ERROR.toSeconds() + "s"),
                    e);
            progress.talking = false;
            progress.retryLater(expired ? MessageState.FAILED : reached, Instant.now().plus(AFTER_ERROR),
                    (expired ? "gave up after " + settings.maxLifetime() + ": " : "") + "processing failed: " + e);
            return;
        }
        int failures = m.failedClaims() + 1;
        progress.claimFailed = true;
        if (failures >= settings.maxFailedClaims()) {
            String reason = "set aside after " + failures + " failed attempts to process it; the last: " + e;
            LOG.log(Level.SEVERE, "message " + m.id() + " from <" + m.mailFrom() + "> is quarantined: " + reason
                    + "; see it under Messages (state QUARANTINED)", e);
            progress.scanSummary = "quarantined: processing failed " + failures + " times";
            progress.deleteParts = true;
            progress.retryLater(MessageState.QUARANTINED, null, reason);
            tellSetAside(m, progress);
            return;
        }
        Duration wait = AFTER_ERROR.multipliedBy(1L << Math.min(failures - 1, 10));
        LOG.log(Level.WARNING, "processing message " + m.id() + " failed (" + failures + " of "
                + settings.maxFailedClaims() + " before it is set aside); it stays in " + reached
                + " and is tried again in " + wait.toSeconds() + "s", e);
        progress.retryLater(reached, Instant.now().plus(wait), "processing failed: " + e);
    }

    /**
     * Before the commit that records an extraction: writes the attachments decoded into memory to the parts
     * folder if the message leaves this claim undecided, since a later claim scans them from there. If that
     * fails, nothing of this claim is recorded and the message is extracted again later.
     */
    private Progress keepParts(MessageSnapshot m, Progress progress) {
        if (progress.extraction == null || progress.deleteParts || progress.deleteMessage) {
            return progress;
        }
        try {
            progress.extraction.keep(spool.get().partsOf(m.spoolName()));
            return progress;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not write the decoded attachments of message " + m.id() + " to the spool; "
                    + "it is extracted again in " + AFTER_ERROR.toSeconds() + "s (is the disk full?)", e);
            Progress retry = new Progress();
            retry.retryLater(m.state(), Instant.now().plus(AFTER_ERROR),
                    "could not keep the decoded attachments: " + e);
            return retry;
        }
    }

    /** After the commit: the spool files the recorded state no longer needs. */
    private void removeFiles(MessageSnapshot m, Progress progress) {
        try {
            if (progress.deleteMessage) {
                spool.get().delete(m.spoolName());
            } else if (progress.deleteParts) {
                spool.get().deleteParts(m.spoolName());
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove spool files of message " + m.id() + " (harmless; remove "
                    + "them by hand if the disk fills up)", e);
        }
    }

    private void advance(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            Progress progress, boolean resumed) throws IOException {
        MessageState state = resumed ? MessageState.SCANNING : m.state();
        progress.awaitingCore = false;
        if (state == MessageState.RECEIVED) {
            if (!m.kind().isOwn()) {
                MessageSpool files = spool.get();
                progress.extraction = AttachmentExtractor.extract(files.message(m.spoolName()),
                        files.partsOf(m.spoolName()), PARTS_IN_MEMORY, limits);
                progress.extraction.attachments()
                        .forEach(a -> attachments.add(new Attachment(a, progress.extraction.held(a.partName()))));
            }
            state = attachments.isEmpty() ? MessageState.SCANNED : MessageState.SCANNING;
            progress.moveTo(state);
        }
        if (state == MessageState.SCANNING) {
            if (scanOutOfTime(m, rule)) {
                state = scanError(m, rule, attachments, progress, "its attachments could not be scanned within "
                        + scanBudget(rule));
            } else {
                progress.talking = true;
                boolean scanned = scan(m, rule, attachments, progress);
                progress.talking = false;
                if (!scanned) {
                    return;
                }
                state = MessageState.SCANNED;
                progress.moveTo(state);
            }
        }
        if (state == MessageState.SCANNED) {
            state = decide(m, rule, attachments, progress);
        }
        if (state == MessageState.QUEUED || state == MessageState.DEFERRED) {
            progress.talking = true;
            deliver(m, rule, progress);
            progress.talking = false;
        }
    }

    /**
     * Submits what Core has not seen and asks for what it has: a verdict for every attachment returns true;
     * otherwise the progress says when to look again.
     */
    private boolean scan(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            Progress progress) throws IOException {
        CoreClient client = core.coreClient(rule.coreProfileId(), rule.coreRule());
        Optional<ScanServers.Callbacks> callbacks = core.callbacks(rule.coreProfileId());
        String profile = rule.coreProfileId() == null ? "" : rule.coreProfileId();
        int maxInFlight = core.maxInFlight(rule.coreProfileId());
        Path parts = spool.get().partsOf(m.spoolName());
        boolean pending = false;
        boolean full = false;
        boolean forgotten = false;
        progress.scans.clear(); // a resumed run records its attachments' changes again, all of them
        for (Attachment a : attachments) {
            if (a.category != null) {
                continue;
            }
            if (a.body && !rule.scanBody()) {
                a.skipped("not scanned: security rule '" + rule.name() + "' scans attachments only");
                continue;
            }
            if (a.dataId == null && !flights.reserve(profile, maxInFlight, Instant.now())) {
                pending = true; // as many files as the profile allows are at Core: this one waits for room
                full = true;
                continue;
            }
            try {
                if (a.dataId == null) {
                    try {
                        submit(a, client, parts, callbacks, scanBudget(rule), progress);
                    } catch (CoreUnavailableException | CoreRejectedException | RuntimeException e) {
                        flights.cancel(profile);
                        throw e;
                    }
                    flights.submitted(profile, a.dataId, a.submittedAt.plus(scanBudget(rule)));
                    if (!pace.askAtOnce(profile)) {
                        pending = true; // Core takes longer than that: asked when its files usually are done
                        continue;
                    }
                }
                // asked at once after submitting only while Core answers that fast (CorePace)
                ScanResult result = client.fetchResult(a.dataId);
                if (result.complete()) {
                    // its token is stored all the same: Core calls back anyway, and a callback nobody waited for
                    // would count against Core as a forged one
                    flights.landed(profile, a.dataId);
                    if (a.watched) {
                        pace.learned(profile, a.expected != null && a.expected.called()
                                ? a.expected.calledAfter(a.submittedAt)
                                : a.unfinishedAt);
                    }
                    a.verdict(result);
                } else {
                    if (a.watched) {
                        a.unfinishedAt = Duration.between(a.submittedAt, Instant.now());
                    }
                    pending = true;
                }
            } catch (CoreUnavailableException e) {
                if (rule.scanError() == ScanError.FAIL) {
                    record(attachments, progress);
                    // the sender's DSN says "Core unavailable" only: Core's address is not for the outside
                    LOG.warning(() -> "Core unavailable for message " + m.id() + ": " + e.getMessage());
                    scanError(m, rule, attachments, progress, "Core unavailable");
                    return false;
                }
                Duration wait = backoff(m.since());
                LOG.info(() -> "Core unavailable for message " + m.id() + " (" + e.getMessage() + "); retrying in "
                        + wait.toSeconds() + "s");
                record(attachments, progress);
                progress.retryLater(MessageState.SCANNING, Instant.now().plus(wait),
                        "Core unavailable: " + e.getMessage());
                return false;
            } catch (CoreRejectedException e) {
                if (e.status() == 422 && a.dataId == null) {
                    // Core refuses empty files: clean only if it is empty, else a failed scan (retried, then fails)
                    if (a.size == 0) {
                        a.verdict(0, "Empty file", VerdictCategory.CLEAN);
                    } else {
                        a.verdict(3, "Core refused the file: " + e.getMessage(), VerdictCategory.FAILED);
                    }
                    continue;
                }
                if (e.status() == 404 && a.dataId != null) {
                    LOG.warning(() -> "Core no longer knows data_id " + a.dataId + "; submitting again");
                    flights.landed(profile, a.dataId);
                    a.dataId = null;
                    a.submittedAt = null;
                    a.changed = true;
                    pending = true;
                    forgotten = true;
                    continue;
                }
                LOG.warning(() -> "Core refused the request for message " + m.id() + ": " + e.getMessage()
                        + "; check the Core profile's apikey and rule (/api/v1/server-profiles). Retrying in "
                        + CORE_RETRY_MAX.toMinutes()
                        + " minutes");
                record(attachments, progress);
                progress.retryLater(MessageState.SCANNING, Instant.now().plus(CORE_RETRY_MAX),
                        "Core refused: " + e.getMessage());
                return false;
            }
        }
        record(attachments, progress);
        if (pending) {
            Instant now = Instant.now();
            // a file Core forgot is submitted again soon; one waiting for room at Core waits a little
            Instant next = forgotten ? now.plus(CorePace.MIN_STEP) : full ? now.plus(ROOM_WAIT) : null;
            for (Attachment a : attachments) {
                if (a.dataId != null && a.category == null) {
                    // with its callback awaited, the callback makes the message due; polling is the fallback (ADR 39)
                    Instant check = a.expected != null && callbacks.isPresent()
                            ? now.plus(callbacks.get().fallbackPoll())
                            : pace.next(profile, a.submittedAt, now);
                    next = next == null || check.isBefore(next) ? check : next;
                }
            }
            progress.retryLater(MessageState.SCANNING, next == null ? now : next, null);
            progress.awaitingCore = true; // its files at Core, or waiting for room there: in memory, not in the database
            return false;
        }
        return true;
    }

    /**
     * Submits one part, with a {@code callbackurl} holding a token of its own when the profile's callbacks are on
     * (the token's hash recorded with the claim, good for the scan's budget).
     */
    private void submit(Attachment a, CoreClient client, Path parts, Optional<ScanServers.Callbacks> callbacks,
            Duration budget, Progress progress) throws CoreUnavailableException, CoreRejectedException {
        SecretTokens.Token token = callbacks.isPresent() ? tokens.next() : null;
        if (a.expected != null && waits != null) {
            waits.forget(List.of(a)); // submitted again: the first submission's callback is no longer awaited
        }
        SubmitOptions options = token == null
                ? SubmitOptions.none()
                : new SubmitOptions(callbacks.get().publicUrl() + CALLBACK_PATH + token.value(), null);
        a.dataId = a.held != null
                ? client.submit(a.held, a.fileName, options)
                : client.submit(parts.resolve(a.partName), a.fileName, options);
        a.submittedAt = Instant.now();
        a.changed = true;
        a.watched = true;
        a.unfinishedAt = null;
        if (token != null) {
            progress.callbacks.add(new Progress.Callback(token.hash(), a.dataId, a.submittedAt.plus(budget)));
            if (waits != null) {
                a.expected = waits.expect(token.hash(), a.dataId);
            }
        }
    }

    private static void record(List<Attachment> attachments, Progress progress) {
        for (Attachment a : attachments) {
            if (a.changed) {
                progress.scans.add(new Progress.Scan(a.index, a.dataId, a.submittedAt, a.code, a.label,
                        a.category == null ? null : a.category.name(), a.cdr, a.cdrName));
            }
        }
    }

    /** Grows the wait with the time the message has waited already, so a long Core outage is not hammered. */
    private static Duration backoff(Instant received) {
        return clamp(Duration.between(received, Instant.now()).dividedBy(4), CORE_RETRY, CORE_RETRY_MAX);
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }

    /** Applies the message's security rule to its verdicts; returns the state the message is in afterwards. */
    private MessageState decide(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            Progress progress) throws IOException {
        if (rule == null) {
            progress.scanSummary = m.scanSummary();
            progress.moveTo(MessageState.QUEUED);
            return MessageState.QUEUED;
        }
        ScanPolicy.Result result = ScanPolicy.decide(verdicts(attachments, false), rule);
        progress.scanSummary = result.summary();
        LOG.fine(() -> "message " + m.id() + " from <" + m.mailFrom() + "> (rule '" + rule.name() + "'): "
                + result.summary());
        if (result.action() == ScanPolicy.Action.RESCAN) {
            if (rule.scanError() == ScanError.FAIL || m.scanRounds() + 1 >= settings.scanMaxAttempts()
                    || scanOutOfTime(m, rule)) {
                return scanError(m, rule, attachments, progress, result.summary() + " (" + (m.scanRounds() + 1)
                        + " attempts)");
            }
            for (Attachment a : attachments) {
                if (a.category == VerdictCategory.FAILED || a.category == VerdictCategory.PENDING) {
                    progress.scans.add(new Progress.Scan(a.index, null, null, null, null, null, null, null));
                }
            }
            progress.scanRound = true;
            progress.retryLater(MessageState.SCANNING, Instant.now().plus(RESCAN_DELAY), result.summary());
            return MessageState.SCANNING;
        }
        return apply(m, rule, attachments, result, progress);
    }

    /** The parts' verdicts for the policy; {@code knownOnly}: without the parts whose scan failed or is unfinished. */
    private static List<ScanPolicy.Verdict> verdicts(List<Attachment> attachments, boolean knownOnly) {
        return attachments.stream()
                .filter(a -> !knownOnly || a.category != null && a.category != VerdictCategory.FAILED
                        && a.category != VerdictCategory.PENDING)
                .map(a -> new ScanPolicy.Verdict(a.fileName, a.category, a.label, a.entityStart, a.entityEnd))
                .toList();
    }

    /** Carries out a decision (never RESCAN); returns the state the message is in afterwards. */
    private MessageState apply(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            ScanPolicy.Result result, Progress progress) throws IOException {
        progress.decided(result.outcome().name(), result.action().name());
        progress.deleteParts = true;
        switch (result.action()) {
            case DELIVER, DELETE_CONTENT, DELIVER_TAGGED -> {
                CopyMarks.Sanitized cdr = sanitize(m, rule, attachments, result, progress);
                if (progress.state == MessageState.BLOCKED) {
                    return MessageState.BLOCKED; // a sanitization failed, and the rule blocks for it (told already)
                }
                mark(m, rule, result.outcome(), result.action().name(), result.summary(), result.removals().stream()
                        .map(r -> new CopyMarks.Cut(r.start(), r.end(), r.text())).toList(), cdr, progress);
                progress.moveTo(MessageState.QUEUED);
                return MessageState.QUEUED;
            }
            case QUARANTINE -> progress.retryLater(result.outcome() == Outcome.BLOCKED
                    ? MessageState.BLOCKED
                    : MessageState.QUARANTINED, null, result.summary());
            case BLOCK -> progress.moveTo(MessageState.BLOCKED);
            case HOLD_FOR_PASSWORD -> progress.moveTo(MessageState.PASSWORD_REQUIRED);
            default -> throw new IllegalStateException("unexpected action " + result.action());
        }
        tell(m, rule, progress, AdminOutcome.valueOf(result.outcome().name()), names(attachments));
        LOG.info(() -> "message " + m.id() + " from <" + m.mailFrom() + "> (rule '" + rule.name() + "'): "
                + result.summary());
        return progress.state;
    }

    /**
     * Deep CDR for a message about to be delivered whose rule uses sanitized files: the sanitized copies of its parts
     * fetched from Core for the delivered copy, what became of each part recorded. A failed sanitization under a rule
     * that blocks for it leaves the message BLOCKED (in the quarantine) with the reason; under one that delivers the
     * original, the copy says which parts are not sanitized. The stored message stays as it came.
     */
    private CopyMarks.Sanitized sanitize(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            ScanPolicy.Result result, Progress progress) throws IOException {
        if (!rule.cdr().uses()) {
            return CopyMarks.Sanitized.NONE;
        }
        List<SanitizedParts.Part> parts = attachments.stream()
                .map(a -> new SanitizedParts.Part(a.index, a.fileName, a.dataId, a.cdr, a.cdrName,
                        a.entityStart, a.entityEnd, result.removals().stream()
                                .noneMatch(r -> a.entityStart != null && r.start() <= a.entityStart
                                        && a.entityEnd <= r.end())))
                .toList();
        if (!SanitizedParts.anyToDo(parts)) {
            return CopyMarks.Sanitized.NONE;
        }
        SanitizedParts.Outcome cdr;
        progress.talking = true;
        try {
            cdr = SanitizedParts.fetch(parts, core.coreClient(rule.coreProfileId(), rule.coreRule()),
                    spool.get().partsOf(m.spoolName()), settings.cdrMaxBytes(), rule.cdr().onFailure());
        } catch (io.moat.core.CoreUnavailableException e) {
            throw new IOException("Core unavailable for the sanitized files: " + e.getMessage(), e);
        }
        progress.talking = false;
        progress.sanitized.putAll(cdr.recorded());
        if (cdr.blocks(rule.cdr().onFailure())) {
            String reason = "blocked: sanitization failed: " + String.join(", ", cdr.failures());
            progress.scanSummary = reason;
            progress.decided(Outcome.BLOCKED.name(), ScanPolicy.Action.BLOCK.name());
            progress.retryLater(MessageState.BLOCKED, null, reason);
            tell(m, rule, progress, AdminOutcome.BLOCKED, names(attachments));
            LOG.info(() -> "message " + m.id() + " from <" + m.mailFrom() + "> (rule '" + rule.name() + "'): "
                    + reason);
        } else if (!cdr.failures().isEmpty()) {
            LOG.info(() -> "message " + m.id() + ": sanitization failed for " + cdr.failures() + "; delivered as it"
                    + " came, tagged (rule '" + rule.name() + "' delivers originals)");
        }
        return cdr.copy();
    }

    /**
     * Writes the copy to deliver if the rule marks it (or content is cut out of it, or Deep CDR changes it): the
     * stored message stays as it came; the marks are recorded with the decision.
     */
    private void mark(MessageSnapshot m, SecurityRules.Applied rule, Outcome outcome, String action, String verdict,
            List<CopyMarks.Cut> cuts, Progress progress) throws IOException {
        mark(m, rule, outcome, action, verdict, cuts, CopyMarks.Sanitized.NONE, progress);
    }

    private void mark(MessageSnapshot m, SecurityRules.Applied rule, Outcome outcome, String action, String verdict,
            List<CopyMarks.Cut> cuts, CopyMarks.Sanitized cdr, Progress progress) throws IOException {
        CopyMarks.Plan plan = CopyMarks.plan(rule, outcome, action, verdict, cuts, cdr);
        if (plan.isEmpty()) {
            return;
        }
        MessageSpool files = spool.get();
        progress.marks = CopyMarks.write(plan, files.message(m.spoolName()), files, m.spoolName());
        progress.marked = true;
    }

    /** How long the rule lets a message wait for its verdicts. */
    private Duration scanBudget(SecurityRules.Applied rule) {
        return rule.scanErrorAfter() != null ? rule.scanErrorAfter() : settings.scanMaxTime();
    }

    /** Whether the message has waited for its verdicts longer than its rule (or {@code moat.scan.max-time}) allows. */
    private boolean scanOutOfTime(MessageSnapshot m, SecurityRules.Applied rule) {
        return Duration.between(m.since(), Instant.now()).compareTo(scanBudget(rule)) > 0;
    }

    /**
     * No verdict within the budget (or at once, for a rule that fails at the first error): the rule's scan-error
     * action. RETRY (its retries spent) fails the message with a DSN, as FAIL does, but FAIL keeps it in quarantine;
     * BYPASS delivers it unscanned, tagged and with a disclaimer that says so. Never delivered as if scanned.
     *
     * @return the state the message is in afterwards (QUEUED when bypassed)
     */
    private MessageState scanError(MessageSnapshot m, SecurityRules.Applied rule, List<Attachment> attachments,
            Progress progress, String why) throws IOException {
        progress.deleteParts = true;
        if (rule.scanError() == ScanError.BYPASS) {
            // what is known already decides first: a part found infected, encrypted or uninspected is never let
            // through because another part's verdict did not come
            ScanPolicy.Result known = ScanPolicy.decide(verdicts(attachments, true), rule);
            if (!known.action().delivers()) {
                LOG.info(() -> "message " + m.id() + ": scan error (" + why + "), but what was scanned decides: "
                        + known.summary());
                return apply(m, rule, attachments, known, progress);
            }
            String summary = "not scanned: " + why + "; delivered under security rule '" + rule.name() + "' (bypass)"
                    + (known.outcome() == Outcome.ALLOWED ? "" : "; " + known.summary());
            progress.scanSummary = summary;
            progress.decided(Outcome.SCAN_ERROR.name(), ScanError.BYPASS.name());
            mark(m, rule, Outcome.SCAN_ERROR, ScanError.BYPASS.name(), why, known.removals().stream()
                    .map(r -> new CopyMarks.Cut(r.start(), r.end(), r.text())).toList(), progress);
            progress.moveTo(MessageState.QUEUED);
            LOG.warning(() -> "message " + m.id() + " from <" + m.mailFrom() + "> is delivered UNSCANNED: " + why
                    + " (security rule '" + rule.name() + "' bypasses scan errors)");
            return MessageState.QUEUED;
        }
        String reason = "not delivered: " + why;
        List<DsnBuilder.Failure> failures = m.pendingRecipients().stream()
                .map(r -> new DsnBuilder.Failure(r, "554 5.7.0 The message could not be scanned for threats: " + why,
                        false))
                .toList();
        progress.dsn = dsn(m, failures);
        progress.scanSummary = "scan failed: " + why;
        progress.decided(Outcome.SCAN_ERROR.name(), rule.scanError().name());
        MessageState end = rule.scanError() == ScanError.FAIL ? MessageState.QUARANTINED : MessageState.FAILED;
        progress.retryLater(end, null, reason);
        tell(m, rule, progress, AdminOutcome.SCAN_ERROR, names(attachments));
        LOG.warning(() -> "message " + m.id() + " from <" + m.mailFrom() + "> " + (end == MessageState.FAILED
                ? "failed"
                : "is quarantined") + ": " + reason + (progress.dsn == null ? "" : "; the sender gets a DSN"));
        return end;
    }

    private void deliver(MessageSnapshot m, SecurityRules.Applied rule, Progress progress) throws IOException {
        Instant now = Instant.now();
        String summary = progress.scanSummary != null ? progress.scanSummary : m.scanSummary();
        byte[] headers = ("X-Moat-Scan: " + ScanPolicy.headerSafe(summary)
                + (rule == null ? "" : "; rule " + rule.name()) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        // the copy the rule marked, if it did; else the message as it came
        Path text = progress.marked || m.rule().marks() != null
                ? spool.get().marked(m.spoolName())
                : spool.get().message(m.spoolName());
        // each recipient goes through the rule's SMTP profile, or the one routing its domain
        Map<String, RecipientRoutes.Route> routes = new LinkedHashMap<>();
        Map<String, List<String>> byProfile = new LinkedHashMap<>();
        for (String recipient : m.pendingRecipients()) {
            RecipientRoutes.Route route = routing.route(recipient, m.relayProfile() != null
                    ? m.relayProfile()
                    : rule == null ? null : rule.relayProfileId());
            routes.putIfAbsent(route.profile(), route);
            byProfile.computeIfAbsent(route.profile(), k -> new ArrayList<>()).add(recipient);
        }
        List<DeliveryAgent.Result> results = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : byProfile.entrySet()) {
            DeliveryAgent.Result sent = agent.deliver(routes.get(group.getKey()).targets(),
                    text, headers, m.mailFrom(), group.getValue(), m.mailOptions());
            if (sent.note() != null && sent.tlsProtocol() == null) {
                // optional STARTTLS that went without TLS: every such delivery is told (the attempt records it too)
                LOG.info(() -> "message " + m.id() + " went to " + sent.server() + " in clear text (" + sent.note()
                        + ")");
            }
            results.add(sent);
        }
        DeliveryAgent.Result result = merge(results);
        progress.delivery = result;
        boolean expired = retries.expired(m.since(), now);
        List<String> retry = expired ? List.of() : result.temporarilyRefused();
        List<DsnBuilder.Failure> bounced = new ArrayList<>();
        for (DeliveryAgent.Refusal refusal : result.refused()) {
            if (refusal.permanent() || expired) {
                bounced.add(new DsnBuilder.Failure(refusal.recipient(), refusal.reply(), !refusal.permanent()));
            }
        }
        progress.dsn = bounced.isEmpty() ? null : dsn(m, bounced);
        if (!retry.isEmpty()) {
            Duration wait = retries.delay(m.attempts() + 1);
            progress.pendingRecipients = retry;
            progress.retryLater(MessageState.DEFERRED, now.plus(wait), result.reply());
            LOG.info(() -> "message " + m.id() + " deferred for " + wait + " for " + retry + ": " + result.reply());
        } else if (!result.delivered().isEmpty()) {
            progress.pendingRecipients = List.of();
            if (bounced.isEmpty()) {
                progress.moveTo(MessageState.DELIVERED);
            } else {
                progress.retryLater(MessageState.DELIVERED, null, "bounced: " + bounced.stream()
                        .map(b -> "<" + b.recipient() + "> " + b.reason()).toList());
            }
            LOG.fine(() -> "message " + m.id() + " delivered to " + result.server() + " for " + result.delivered()
                    + ": " + result.reply());
            // the original of a message delivered with sanitized parts is kept for Settings › Retention's spool time
            progress.deleteMessage = !originalKept(m, progress);
        } else {
            String reason = expired
                    ? "gave up after " + settings.maxLifetime() + ": " + result.reply()
                    : result.reply();
            progress.retryLater(MessageState.FAILED, null, reason);
            LOG.warning(() -> "message " + m.id() + " from <" + m.mailFrom() + "> failed: " + reason
                    + (progress.dsn == null ? "" : "; the sender gets a DSN"));
        }
    }

    /** Whether a part of the message went out as its sanitized copy, so that its original is kept (ADR 40). */
    private static boolean originalKept(MessageSnapshot m, Progress progress) {
        return progress.sanitized.containsValue(SanitizedParts.REPLACED)
                || m.attachments().stream().anyMatch(a -> SanitizedParts.REPLACED.equals(a.cdr()));
    }

    /**
     * Writes the notifications about {@code m}, which this claim holds (or fails for want of a verdict): recorded with
     * its state, in the claim's transaction (Settings &gt; Notifications says who is told). A notification that cannot
     * be written (a full disk) never undoes the hold: the message stays held, and the log says who was not told.
     */
    private void tell(MessageSnapshot m, SecurityRules.Applied rule, Progress progress, AdminOutcome outcome,
            List<String> attachmentNames) {
        if (m.restartedAt() != null) {
            // held again after an admin's rescan (or a recipient's, with a password): whoever asked sees the result;
            // a notice per attempt would only repeat the first one
            LOG.fine(() -> "message " + m.id() + " is held again after a rescan; nobody is told again");
            return;
        }
        String subject = progress.extraction != null ? progress.extraction.subject() : m.subject();
        try {
            progress.notices = notifier.held(new Held(m.id(), m.kind(), progress.state, m.mailFrom(),
                    m.pendingRecipients(), subject, rule == null ? m.rule().name() : rule.name(),
                    rule == null ? null : rule.relayProfileId(), outcome, progress.scanSummary, m.receivedAt(),
                    attachmentNames), spool.get(), MessageIds::next);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "message " + m.id() + " is " + progress.state + ", but its notifications could not"
                    + " be written, so nobody is told (is the disk full? see Settings > Notifications)", e);
        }
    }

    /** A message set aside because processing it failed again and again: who is told, as for any held message. */
    private void tellSetAside(MessageSnapshot m, Progress progress) {
        List<String> names = new ArrayList<>();
        m.attachments().stream().filter(a -> !a.body() && !a.partName().isEmpty())
                .forEach(a -> names.add(a.fileName()));
        if (progress.extraction != null) {
            progress.extraction.attachments().stream().filter(a -> !a.body() && !a.partName().isEmpty())
                    .forEach(a -> names.add(a.fileName()));
        }
        SecurityRules.Applied rule = m.kind().isOwn() ? null : rules.applied(m.rule().id(), m.rule().name());
        tell(m, rule, progress, AdminOutcome.PROCESSING_FAILED, names);
    }

    /** The file names of the attachments (not the text bodies, not the extraction's findings). */
    private static List<String> names(List<Attachment> attachments) {
        return attachments.stream().filter(a -> !a.body && !a.partName.isEmpty()).map(a -> a.fileName).toList();
    }

    /** One result for the deliveries to several profiles' servers: what each took and refused, together. */
    static DeliveryAgent.Result merge(List<DeliveryAgent.Result> results) {
        if (results.size() == 1) {
            return results.get(0);
        }
        List<String> delivered = new ArrayList<>();
        List<DeliveryAgent.Refusal> refused = new ArrayList<>();
        results.forEach(r -> {
            delivered.addAll(r.delivered());
            refused.addAll(r.refused());
        });
        DeliveryAgent.Outcome outcome = delivered.isEmpty()
                ? refused.stream().allMatch(DeliveryAgent.Refusal::permanent)
                        ? DeliveryAgent.Outcome.PERMANENT
                        : DeliveryAgent.Outcome.TEMPORARY
                : refused.isEmpty() ? DeliveryAgent.Outcome.DELIVERED : DeliveryAgent.Outcome.PARTIAL;
        DeliveryAgent.Result first = results.stream().filter(r -> !r.refused().isEmpty()).findFirst()
                .orElse(results.get(0));
        String servers = String.join(", ", results.stream().map(DeliveryAgent.Result::server).distinct().toList());
        boolean allTls = results.stream().allMatch(r -> r.tlsProtocol() != null);
        return new DeliveryAgent.Result(outcome, servers, first.reply(), delivered, refused,
                allTls ? first.tlsProtocol() : null, allTls ? first.tlsCipher() : null,
                results.stream().map(DeliveryAgent.Result::note).filter(java.util.Objects::nonNull).findFirst()
                        .orElse(null));
    }

    /** Writes a DSN for the sender to the spool, unless the message has none to tell (null sender, or a DSN). */
    private MessageSteps.Dsn dsn(MessageSnapshot m, List<DsnBuilder.Failure> failures) throws IOException {
        return MessageSteps.Dsn.written(spool.get(), settings.hostName(), m.kind(), m.mailFrom(), failures,
                m.receivedAt(), spool.get().message(m.spoolName()));
    }
}
