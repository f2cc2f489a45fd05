package io.moat.delivery.pipeline;

import io.moat.delivery.dsn.DsnBuilder;
import io.moat.persistence.MessageRepository.PendingFile;
import io.moat.persistence.MessageSpool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * At start-up, before the pipeline runs: the spool and the records are made to agree again after a crash. A message
 * file without a record was never acknowledged (the record commits before {@code 250}); it is moved to
 * {@code spool/orphaned} for an admin to look at rather than deleted. A message with work ahead whose file is gone
 * cannot go on: it fails, with a reason that says so, and its sender (who heard {@code 250}) gets a DSN. Each case
 * is one log line. Parts folders of messages with no work ahead are removed (they are only needed while scanning).
 *
 * <p>With one node the spool is this node's alone while it starts. Nodes sharing a spool (ADR 44) leave files and
 * parts folders changed within a lease alone: another node's intake may be between its file and its record, and its
 * pipeline may be decoding the parts of a message recorded after this start read the records.
 */
public final class SpoolReconciler {

    private static final Logger LOG = Logger.getLogger(SpoolReconciler.class.getName());
    /** Ids asked for in one query. */
    private static final int BATCH = 500;
    private static final String LOST = "its spool file was missing at start-up";
    /** The lease owner of a message held while it is judged lost (never a node's id: ids have no '/'). */
    private static final String RECONCILE = "_reconcile";
    private static final Duration HOLD = Duration.ofMinutes(1);

    private SpoolReconciler() {
    }

    /** What the reconciliation found. */
    public record Result(int orphanedFiles, int lostMessages, int removedPartsFolders) {
    }

    /** With the spool this node's alone: every file is judged. */
    public static Result reconcile(MessageSpool spool, MessageSteps steps, String hostName) throws IOException {
        return reconcile(spool, steps, hostName, Instant.MAX);
    }

    /**
     * @param hostName       this gateway's name, for the DSNs of lost messages
     * @param settledBefore  only files and parts folders last changed before this are judged (the others may be
     *                       another node's work in progress)
     */
    public static Result reconcile(MessageSpool spool, MessageSteps steps, String hostName, Instant settledBefore)
            throws IOException {
        List<String> files = new ArrayList<>();
        for (String name : spool.storedNames()) {
            if (settled(spool.message(name), settledBefore)) {
                files.add(name);
            }
        }
        Set<String> recorded = new HashSet<>();
        for (int i = 0; i < files.size(); i += BATCH) {
            recorded.addAll(steps.recorded(files.subList(i, Math.min(files.size(), i + BATCH))));
        }
        int orphaned = 0;
        for (String name : files) {
            if (!recorded.contains(name)) {
                Path moved = spool.orphan(name);
                orphaned++;
                LOG.warning(() -> "spool file " + name + " has no message record (its message was never"
                        + " acknowledged, or its record was lost); moved to " + moved + " for inspection");
            }
        }
        List<PendingFile> pending = steps.pendingFiles();
        boolean shared = !settledBefore.equals(Instant.MAX);
        int lost = 0;
        for (PendingFile message : pending) {
            if (!Files.exists(spool.message(message.spoolName()))
                    && (!shared || heldForLoss(spool, steps, message, settledBefore))) {
                lost++;
                MessageSteps.Dsn dsn = dsn(spool, message, hostName);
                LOG.severe(() -> "message " + message.id() + " from <" + message.mailFrom() + "> has work ahead but"
                        + " its spool file " + message.spoolName() + " is missing; it is marked FAILED"
                        + (dsn == null ? "" : " and the sender gets a DSN")
                        + " (was the spool directory changed by hand, or lost with the disk's cache?)");
                steps.lost(message.id(), LOST, dsn, Instant.now());
            }
        }
        Set<String> pendingNames = new HashSet<>(pending.stream().map(PendingFile::spoolName).toList());
        List<String> stale = new ArrayList<>();
        for (String folder : spool.partsFolders()) {
            if (!pendingNames.contains(folder) && settled(spool.partsOf(folder), settledBefore)) {
                stale.add(folder);
                spool.deleteParts(folder);
            }
        }
        if (!stale.isEmpty()) {
            LOG.info(() -> "removed the decoded parts of " + stale.size() + " message(s) that no longer need them");
        }
        return new Result(orphaned, lost, stale.size());
    }

    /**
     * With a shared spool, another node may have finished the message (and removed its file) after the records were
     * read, or hold it now: the message is judged lost only once this node has leased it, it is still pending and
     * its file is still missing (ADR 44); otherwise it is left alone.
     */
    private static boolean heldForLoss(MessageSpool spool, MessageSteps steps, PendingFile message,
            Instant settledBefore) {
        if (!message.receivedAt().isBefore(settledBefore)) {
            return false; // another node's intake may still be between its file and its record
        }
        Instant now = Instant.now();
        List<MessageSnapshot> held = steps.claim(List.of(message.id()), RECONCILE, now, now.plus(HOLD));
        if (held.isEmpty()) {
            return false; // another node holds it
        }
        if (!held.get(0).state().isFinal() && !Files.exists(spool.message(message.spoolName()))) {
            return true; // lost() records the failure and gives the lease up
        }
        steps.release(List.of(message.id()));
        return false;
    }

    /** Whether {@code path} was last changed before {@code settledBefore} (a path gone meanwhile is not judged). */
    private static boolean settled(Path path, Instant settledBefore) throws IOException {
        if (settledBefore.equals(Instant.MAX)) {
            return true;
        }
        try {
            return Files.getLastModifiedTime(path).toInstant().isBefore(settledBefore);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** A DSN for the sender of a lost message, written to the spool; none for the null sender or a message of ours. */
    private static MessageSteps.Dsn dsn(MessageSpool spool, PendingFile message, String hostName)
            throws IOException {
        List<DsnBuilder.Failure> failures = message.pendingRecipients().stream()
                .map(r -> new DsnBuilder.Failure(r, "451 4.3.0 The gateway lost the message: " + LOST, false))
                .toList();
        return MessageSteps.Dsn.written(spool, hostName, message.kind(), message.mailFrom(), failures,
                message.receivedAt(), spool.message(message.spoolName()));
    }
}
