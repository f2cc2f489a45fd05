package io.moat.delivery.internal;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import io.moat.core.VerdictCategory;
import io.moat.delivery.GatewaySettings;
import io.moat.delivery.Spool;
import io.moat.delivery.internal.MessageSnapshot.AttachmentSnapshot;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageSpool;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Moves one claimed message through as many steps as are due now: extract attachments, scan them with Core,
 * decide, deliver. Slow work runs outside transactions; each result is recorded by one {@link MessageSteps} call.
 */
@ApplicationScoped
public class MessageProcessor {

    private static final Logger LOG = Logger.getLogger(MessageProcessor.class.getName());
    private static final int MAX_STEPS_PER_CLAIM = 8;
    private static final Duration FIRST_POLL = Duration.ofMillis(100);
    private static final Duration MAX_POLL = Duration.ofSeconds(5);
    private static final Duration CORE_RETRY = Duration.ofSeconds(5);
    private static final Duration CORE_RETRY_MAX = Duration.ofMinutes(5);
    private static final Duration RESCAN_DELAY = Duration.ofMinutes(1);

    @Inject
    MessageSteps steps;

    @Inject
    GatewaySettings settings;

    @Inject
    Spool spool;

    @Inject
    CoreAccess core;

    private RetrySchedule retries;
    private DeliveryAgent agent;

    @PostConstruct
    void init() {
        retries = new RetrySchedule(settings.retryInitial(), settings.retryMax(), settings.maxLifetime());
        agent = new DeliveryAgent(settings.downstreamUri(), settings.hostName(), Duration.ofMinutes(5));
    }

    /** Runs the due steps of a message this node holds the lease of, then gives the lease up. */
    public void process(String id) {
        try {
            for (int i = 0; i < MAX_STEPS_PER_CLAIM; i++) {
                Optional<MessageSnapshot> found = steps.snapshot(id);
                Instant now = Instant.now();
                if (found.isEmpty() || found.get().state().isFinal() || found.get().nextAttemptAt().isAfter(now)) {
                    break;
                }
                step(found.get());
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "processing message " + id + " failed; it stays in its state and is retried", e);
        } finally {
            steps.release(id);
        }
    }

    private void step(MessageSnapshot m) throws IOException {
        switch (m.state()) {
            case RECEIVED -> extract(m);
            case SCANNING -> scan(m);
            case SCANNED -> decide(m);
            case QUEUED, DEFERRED -> deliver(m);
            default -> throw new IllegalStateException("no step for state " + m.state());
        }
    }

    private void extract(MessageSnapshot m) throws IOException {
        MessageSpool files = spool.get();
        if (m.kind() == MessageKind.DSN) {
            steps.extracted(m.id(), new AttachmentExtractor.Extraction(null, List.of()), Instant.now());
            return;
        }
        AttachmentExtractor.Extraction extraction = AttachmentExtractor.extract(files.message(m.spoolName()),
                files.partsOf(m.spoolName()));
        steps.extracted(m.id(), extraction, Instant.now());
    }

    private void scan(MessageSnapshot m) throws IOException {
        CoreClient client = core.client();
        Path parts = spool.get().partsOf(m.spoolName());
        boolean pending = false;
        for (AttachmentSnapshot a : m.attachments()) {
            if (a.category() != null) {
                continue;
            }
            try {
                if (a.dataId() == null) {
                    String dataId = client.submit(parts.resolve(a.partName()), a.fileName(), SubmitOptions.none());
                    steps.submitted(a.id(), dataId, Instant.now());
                    pending = true;
                    continue;
                }
                ScanResult result = client.fetchResult(a.dataId());
                if (result.complete()) {
                    steps.verdict(a.id(), result, Instant.now());
                } else {
                    pending = true;
                }
            } catch (CoreUnavailableException e) {
                Duration wait = backoff(CORE_RETRY, CORE_RETRY_MAX, m.receivedAt());
                LOG.info(() -> "Core unavailable for message " + m.id() + " (" + e.getMessage() + "); retrying in "
                        + wait.toSeconds() + "s");
                steps.scanLater(m.id(), Instant.now().plus(wait), "Core unavailable: " + e.getMessage(),
                        Instant.now());
                return;
            } catch (CoreRejectedException e) {
                if (e.status() == 422 && a.dataId() == null) {
                    // Core refuses empty files; nothing can hide in zero bytes
                    steps.verdict(a.id(), 0, "Empty file", VerdictCategory.CLEAN.name(), Instant.now());
                    continue;
                }
                if (e.status() == 404 && a.dataId() != null) {
                    LOG.warning(() -> "Core no longer knows data_id " + a.dataId() + "; submitting again");
                    steps.submitted(a.id(), null, Instant.now());
                    pending = true;
                    continue;
                }
                LOG.warning(() -> "Core refused the request for message " + m.id() + ": " + e.getMessage()
                        + "; check moat.core.apikey and moat.core.rule. Retrying in " + CORE_RETRY_MAX.toMinutes()
                        + " minutes");
                steps.scanLater(m.id(), Instant.now().plus(CORE_RETRY_MAX), "Core refused: " + e.getMessage(),
                        Instant.now());
                return;
            }
        }
        if (pending) {
            Instant oldestSubmission = m.attachments().stream().map(AttachmentSnapshot::submittedAt)
                    .filter(t -> t != null).min(Instant::compareTo).orElse(Instant.now());
            Duration elapsed = Duration.between(oldestSubmission, Instant.now());
            Duration poll = elapsed.dividedBy(4);
            poll = poll.compareTo(FIRST_POLL) < 0 ? FIRST_POLL : poll.compareTo(MAX_POLL) > 0 ? MAX_POLL : poll;
            steps.scanLater(m.id(), Instant.now().plus(poll), null, Instant.now());
        } else {
            steps.scanned(m.id(), Instant.now());
        }
    }

    /** Grows the wait with the time already spent waiting, so a long Core outage is not hammered. */
    private static Duration backoff(Duration base, Duration max, Instant received) {
        Duration waited = Duration.between(received, Instant.now());
        Duration wait = waited.dividedBy(4);
        return wait.compareTo(base) < 0 ? base : wait.compareTo(max) > 0 ? max : wait;
    }

    private void decide(MessageSnapshot m) throws IOException {
        List<ScanPolicy.Verdict> verdicts = m.attachments().stream()
                .map(a -> new ScanPolicy.Verdict(a.fileName(), VerdictCategory.valueOf(a.category()), a.label()))
                .toList();
        ScanPolicy.Result result = m.kind() == MessageKind.DSN
                ? new ScanPolicy.Result(ScanPolicy.Decision.DELIVER, m.scanSummary())
                : ScanPolicy.decide(verdicts);
        steps.decided(m.id(), result, Instant.now().plus(RESCAN_DELAY), Instant.now());
        LOG.info(() -> "message " + m.id() + " from <" + m.mailFrom() + ">: " + result.summary());
        if (result.decision() != ScanPolicy.Decision.RESCAN) {
            spool.get().deleteParts(m.spoolName());
        }
    }

    private void deliver(MessageSnapshot m) throws IOException {
        Instant now = Instant.now();
        byte[] headers = ("X-Moat-Scan: " + m.scanSummary() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        DeliveryAgent.Result result = agent.deliver(spool.get().message(m.spoolName()), headers, m.mailFrom(),
                m.pendingRecipients());
        boolean expired = retries.expired(m.receivedAt(), now);
        List<String> retry = expired ? List.of() : result.temporarilyRefused();
        List<DsnBuilder.Failure> bounced = new ArrayList<>();
        for (DeliveryAgent.Refusal refusal : result.refused()) {
            if (refusal.permanent() || expired) {
                bounced.add(new DsnBuilder.Failure(refusal.recipient(), refusal.reply(), !refusal.permanent()));
            }
        }
        MessageSteps.Dsn dsn = bounced.isEmpty() ? null : dsn(m, bounced);
        if (!retry.isEmpty()) {
            Duration wait = retries.delay(m.attempts() + 1);
            steps.deferred(m.id(), result, retry, dsn, now.plus(wait), Instant.now());
            LOG.info(() -> "message " + m.id() + " deferred for " + wait + " for " + retry + ": " + result.reply());
        } else if (!result.delivered().isEmpty()) {
            steps.delivered(m.id(), result, dsn, Instant.now());
            LOG.info(() -> "message " + m.id() + " delivered to " + result.server() + " for " + result.delivered()
                    + ": " + result.reply() + (bounced.isEmpty() ? "" : "; bounced " + bounced.size()));
            spool.get().delete(m.spoolName());
        } else {
            String reason = expired
                    ? "gave up after " + settings.maxLifetime() + ": " + result.reply()
                    : result.reply();
            steps.failed(m.id(), result, reason, dsn, Instant.now());
            LOG.warning(() -> "message " + m.id() + " from <" + m.mailFrom() + "> failed: " + reason
                    + (dsn == null ? "" : "; the sender gets a DSN"));
        }
    }

    /** Writes a DSN for the sender to the spool, unless the message has none to tell (null sender, or a DSN). */
    private MessageSteps.Dsn dsn(MessageSnapshot m, List<DsnBuilder.Failure> failures) throws IOException {
        if (m.mailFrom().isEmpty() || m.kind() == MessageKind.DSN) {
            return null;
        }
        String dsnId = UUID.randomUUID().toString();
        byte[] report = DsnBuilder.build(settings.hostName(), m.mailFrom(), failures, m.receivedAt(), Instant.now(),
                spool.get().message(m.spoolName()));
        MessageSpool.Stored stored = spool.get().store(dsnId, new byte[0], new ByteArrayInputStream(report));
        return new MessageSteps.Dsn(stored.name(), stored.size());
    }
}
