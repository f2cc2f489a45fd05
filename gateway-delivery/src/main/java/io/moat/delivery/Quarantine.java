package io.moat.delivery;

import io.moat.delivery.QuarantineItemDto.AttachmentDto;
import io.moat.delivery.quarantine.QuarantineDesk;
import io.moat.delivery.quarantine.RetentionPurge;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageQuery;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageState;
import io.moat.persistence.PurgeRunEntity;
import io.moat.persistence.QuarantineRepository;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The quarantine as the REST API and the console use it: what it holds (read in one transaction each, handed out as
 * DTOs), and the admin's actions on it, each recorded with who, from where and when. A refused action throws
 * {@link RefusedException}: NOT_FOUND, CONFLICT (no longer quarantined, or changed meanwhile), INVALID (naming the
 * field), NOT_APPLIED (the spool or Core failed).
 */
@ApplicationScoped
public class Quarantine {

    /** Why a message is held, as the quarantine names it (from its state and its rule's outcome). */
    public enum Reason {
        BLOCKED, ENCRYPTED, SCAN_ERROR, UNINSPECTED, PROCESSING_FAILED
    }

    @Inject
    MessageRepository messages;

    @Inject
    QuarantineRepository records;

    @Inject
    QuarantineDesk desk;

    @Inject
    RetentionPurge purge;

    @Inject
    GatewaySettings settings;

    /** Newest first, those matching {@code filter}. */
    @Transactional
    public List<QuarantineItemDto> list(QuarantineFilter filter, int offset, int limit) {
        String outcome = null;
        if (filter.reason() != null && !filter.reason().isBlank()) {
            Reason reason = reason(filter.reason());
            outcome = reason == Reason.PROCESSING_FAILED ? MessageQuery.NO_OUTCOME : reason.name();
        }
        MessageQuery query = new MessageQuery(null, filter.sender(), filter.recipient(), null, filter.receivedFrom(),
                filter.receivedBefore(), filter.rule(), outcome, MessageState.quarantine());
        return messages.search(query, offset, limit).stream().map(m -> item(m, List.of())).toList();
    }

    /** The quarantined message with its parts' verdicts and what was done to it; empty if it is not held. */
    @Transactional
    public Optional<QuarantineItemDto> detail(String id) {
        return messages.find(id).filter(m -> m.getState().isQuarantined())
                .map(m -> item(m, MessageAssembler.actions(records.actionsOf(id))));
    }

    /** How many messages the quarantine holds now (blocked, held for a password, set aside). */
    @Transactional
    public long countHeld() {
        return records.countHeld();
    }

    /**
     * Delivers the message as it came to all its held recipients, or to those named (a copy of their own); returns
     * the id of the message that goes out (its own, or the copy's).
     */
    public String release(String id, List<String> recipients, Actor actor) {
        return desk.release(id, recipients, actor.name(), actor.address());
    }

    /**
     * Scans the message again, with passwords for its encrypted parts (by file name; the arrays are cleared when this
     * returns) and under another rule if named; the pipeline then decides as for new mail.
     */
    public void rescan(String id, Map<String, char[]> passwords, String rule, Actor actor) {
        desk.rescan(id, passwords, rule, actor.name(), actor.address(), settings.maxPasswordRescans());
    }

    /**
     * A recipient's rescan through a rescan link: only while the message is held for a password, under its own rule;
     * the link counts the tries (not the admins' {@code moat.quarantine.max-password-rescans}). Arrays cleared.
     */
    public void rescanViaLink(String id, Map<String, char[]> passwords, Actor actor) {
        desk.rescanViaLink(id, passwords, actor.name(), actor.address());
    }

    /** Sends a copy to {@code to} (from the null sender); returns the copy's message id. */
    public String forward(String id, String to, Actor actor) {
        return desk.forward(id, to, actor.name(), actor.address());
    }

    /** The message as it came ({@code message/rfc822}); the caller closes it. */
    public InputStream download(String id, Actor actor) {
        try {
            return desk.download(id, actor.name(), actor.address());
        } catch (IOException e) {
            throw new RefusedException(RefusedException.Reason.NOT_APPLIED, "the stored message " + id
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    public void delete(String id, Actor actor) {
        desk.delete(id, actor.name(), actor.address());
    }

    /** Runs the retention purge now (it also runs every {@code moat.retention.interval}); says what it removed. */
    public PurgedDto purgeNow() {
        Instant started = Instant.now();
        RetentionPurge.Report report = purge.run();
        return new PurgedDto(report.quarantined(), report.spoolFiles(), report.records(), started);
    }

    /** What the purge removed since {@code since}, summed over its runs: quarantined, spool files, records. */
    @Transactional
    public PurgedDto purgedSince(Instant since) {
        List<PurgeRunEntity> runs = records.runsSince(since);
        return new PurgedDto(runs.stream().mapToInt(PurgeRunEntity::getQuarantined).sum(),
                runs.stream().mapToInt(PurgeRunEntity::getSpoolFiles).sum(),
                runs.stream().mapToInt(PurgeRunEntity::getRecords).sum(),
                runs.isEmpty() ? null : runs.get(0).getStartedAt());
    }

    /** What the retention purge removed in a span of time, and when it last ran (null: not in that span). */
    public record PurgedDto(int quarantined, int spoolFiles, int records, Instant lastRun) {
    }

    /** Why a message in the quarantine is held. */
    static Reason reasonOf(MessageEntity m) {
        if (m.getState() == MessageState.PASSWORD_REQUIRED) {
            return Reason.ENCRYPTED;
        }
        if (m.getOutcome() == null) {
            return m.getState() == MessageState.BLOCKED ? Reason.BLOCKED : Reason.PROCESSING_FAILED;
        }
        try {
            return Reason.valueOf(m.getOutcome());
        } catch (IllegalArgumentException e) {
            return Reason.PROCESSING_FAILED;
        }
    }

    /** A reason as a filter gives it, any case; INVALID naming the field otherwise. */
    public static Reason reason(String text) {
        try {
            return Reason.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RefusedException(RefusedException.Reason.INVALID, "reason: '" + text + "' is not one of "
                    + Arrays.toString(Reason.values()));
        }
    }

    private static QuarantineItemDto item(MessageEntity m, List<MessageDetailDto.ActionDto> actions) {
        return new QuarantineItemDto(m.getId(), reasonOf(m).name(), m.getState().name(), m.getRuleName(),
                new MessageDetailDto.EnvelopeDto(m.getMailFrom(), m.getPendingRecipients()), m.getSubject(),
                m.getReceivedAt(), m.getSizeBytes(), m.getScanSummary(),
                m.getAttachments().stream().map(a -> new AttachmentDto(a.getFileName(), a.getContentType(),
                        a.getSizeBytes(), a.getVerdictLabel(), a.getCategory(),
                        "PASSWORD_REQUIRED".equals(a.getCategory()))).toList(),
                actions);
    }
}
