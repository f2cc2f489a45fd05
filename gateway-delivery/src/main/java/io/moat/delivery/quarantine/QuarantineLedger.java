package io.moat.delivery.quarantine;

import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageState;
import io.moat.persistence.PurgeRunEntity;
import io.moat.persistence.QuarantineActionEntity;
import io.moat.persistence.QuarantineRepository;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.rules.SecurityRules;
import io.moat.smtp.api.Mailboxes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The quarantine's transactions: reading a quarantined message for an action, and recording the action with the
 * state it leaves the message in. Each checks that the message is still quarantined and unchanged since it was read
 * ({@code 409} otherwise), so that two admins (or an admin and the purge) never both act on one message.
 */
@ApplicationScoped
@Transactional
public class QuarantineLedger {

    @Inject
    MessageRepository messages;

    @Inject
    QuarantineRepository actions;

    /**
     * A quarantined message as an action needs it, read at {@code version}; {@code lease}: the rescan's own hold on
     * it, or null.
     */
    public record Held(String id, long version, String spoolName, String mailFrom, List<String> pendingRecipients,
            String outcome, String scanSummary, String ruleId, String ruleName, List<Part> parts, String lease) {
    }

    /** How long a rescan may hold a message while it extracts and submits; a node that dies gives it up by then. */
    static final Duration RESCAN_LEASE = Duration.ofMinutes(5);

    /** One recorded part: its index, name, where its decoded bytes go, and its category (null: none yet). */
    public record Part(int index, String fileName, String partName, String category) {

        /** Whether Core could not open it without a password. */
        public boolean encrypted() {
            return "PASSWORD_REQUIRED".equals(category);
        }
    }

    /** Reads a message for an action: 404 if there is none, 409 unless it is in the quarantine. */
    public Held held(String id) {
        return held(quarantined(id, null), null);
    }

    /**
     * Takes a quarantined message for a rescan (in {@code required} state, if not null): leased, so that another
     * action, a second rescan or the purge answers 409 while its parts are extracted and submitted. Given up by
     * {@link #rescanning} or {@link #giveUp}, else when the lease runs out.
     */
    public Held reserve(String id, MessageState required, Instant now) {
        MessageEntity m = quarantined(id, null);
        if (required != null && m.getState() != required) {
            throw new RefusedException(Reason.CONFLICT, "message " + id + " is " + m.getState() + ", not "
                    + required);
        }
        String lease = "rescan/" + UUID.randomUUID();
        m.leaseTo(lease, now.plus(RESCAN_LEASE));
        messages.flush();
        return held(m, lease);
    }

    /** A rescan that failed before it was recorded gives its lease up. */
    public void giveUp(Held held) {
        messages.find(held.id()).filter(m -> held.lease() != null && held.lease().equals(m.getLeaseOwner()))
                .ifPresent(m -> m.leaseTo(null, null));
    }

    private static Held held(MessageEntity m, String lease) {
        return new Held(m.getId(), m.getVersion(), m.getSpoolName(), m.getMailFrom(),
                List.copyOf(m.getPendingRecipients()), m.getOutcome(), m.getScanSummary(), m.getRuleId(),
                m.getRuleName(), m.getAttachments().stream()
                        .map(a -> new Part(a.getPartIndex(), a.getFileName(), a.getPartName(), a.getCategory()))
                        .toList(),
                lease);
    }

    /** How often admins rescanned the message with passwords (a recipient's link has its own limit). */
    public long passwordRescans(String id) {
        return actions.countActions(id, Action.RESCAN_WITH_PASSWORDS.name());
    }

    /** Released to all its recipients: back on the path, delivered as it came. */
    public void releaseAll(Held held, String actor, String address, Instant now) {
        MessageEntity m = quarantined(held.id(), held.version());
        m.restart(MessageState.QUEUED, "released by " + actor + "; held: " + m.getScanSummary(), now);
        m.released(held.outcome());
        record(m.getId(), Action.RELEASE, actor, address, now, "to all recipients");
    }

    /**
     * A copy stored in the spool as {@code copySpool} becomes a message of its own to {@code recipients}, due at once
     * and delivered as it came: a release to some recipients (who then leave the original) or a forward (from the
     * null sender, the original untouched).
     *
     * @return the copy's id
     */
    public String copied(Held held, String copySpool, long size, List<String> recipients, boolean forward,
            String actor, String address, Instant now) {
        MessageEntity original = quarantined(held.id(), held.version());
        MessageEntity copy = new MessageEntity(copySpool, MessageKind.INBOUND, forward ? "" : original.getMailFrom(),
                recipients, copySpool, size, original.getReceivedAt());
        copy.copyFrom(original);
        messages.add(copy);
        MessageEntity stored = messages.find(copySpool).orElseThrow();
        String how = forward ? "forwarded" : "released";
        stored.restart(MessageState.QUEUED, how + " by " + actor + " from quarantined message " + held.id()
                + "; held: " + original.getScanSummary(), now);
        stored.released(held.outcome());
        if (forward) {
            record(original.getId(), Action.FORWARD, actor, address, now, "to " + recipients.get(0) + " as message "
                    + copySpool);
        } else {
            List<String> remaining = original.getPendingRecipients().stream()
                    .filter(r -> recipients.stream().noneMatch(chosen -> Mailboxes.same(r, chosen))).toList();
            original.setPendingRecipients(remaining);
            record(original.getId(), Action.RELEASE, actor, address, now, "to " + String.join(", ", recipients)
                    + " as message " + copySpool);
        }
        record(copySpool, forward ? Action.FORWARD : Action.RELEASE, actor, address, now,
                "copy of quarantined message " + held.id());
        return copySpool;
    }

    /**
     * Back to the scan: under {@code rule}, each part scanned again (those in {@code submitted} already sent to Core
     * with their passwords, by data_id), except what the gateway itself could not inspect. A message with no parts
     * recorded (set aside before its extraction was recorded) goes back to {@code RECEIVED}: the pipeline takes it
     * apart again, so that nothing of it is delivered unscanned.
     */
    public void rescanning(Held held, SecurityRules.Applied rule, Map<Integer, String> submitted, String detail,
            Action action, String actor, String address, Instant now) {
        MessageEntity m = quarantined(held.id(), held.version(), held.lease());
        boolean extracted = !m.getAttachments().isEmpty();
        for (AttachmentEntity a : m.getAttachments()) {
            if ("UNINSPECTED".equals(a.getCategory())) {
                continue; // the gateway's own finding: no scan changes it
            }
            a.resetScan();
            String dataId = submitted.get(a.getPartIndex());
            if (dataId != null) {
                a.submitted(dataId, now);
            }
        }
        if (rule.id() != null && !rule.id().equals(m.getRuleId())) {
            m.setRule(rule.id(), rule.name(), rule.direction().name());
        }
        m.leaseTo(null, null);
        m.restart(extracted ? MessageState.SCANNING : MessageState.RECEIVED, "rescan requested by " + actor, now);
        record(m.getId(), action, actor, address, now, extracted ? detail : detail + "; taken apart again");
    }

    /** Out of the quarantine for good; its files are removed once this commits. */
    public void deleted(Held held, String actor, String address, Instant now) {
        MessageEntity m = quarantined(held.id(), held.version());
        m.deleted("deleted from the quarantine by " + actor, now);
        record(m.getId(), Action.DELETE, actor, address, now, null);
    }

    /** An action that changes nothing but is recorded: a download. */
    public void downloaded(Held held, String actor, String address, Instant now) {
        quarantined(held.id(), null);
        record(held.id(), Action.DOWNLOAD, actor, address, now, null);
    }

    /** Quarantined messages that arrived before {@code cutoff}: the purge's, at most {@code limit}. */
    public List<QuarantineRepository.Candidate> quarantinedBefore(Instant cutoff, int limit) {
        return actions.quarantinedBefore(cutoff, limit);
    }

    /**
     * Purged by the retention: those of {@code candidates} still in the quarantine become DELETED, recorded as the
     * purge's.
     *
     * @return the candidates purged (their files are removed once this commits)
     */
    public List<QuarantineRepository.Candidate> purged(List<QuarantineRepository.Candidate> candidates,
            String why, Instant now) {
        List<QuarantineRepository.Candidate> purged = new ArrayList<>();
        for (QuarantineRepository.Candidate c : candidates) {
            MessageEntity m = messages.find(c.id()).orElse(null);
            boolean leased = m != null && m.getLeaseUntil() != null && m.getLeaseUntil().isAfter(now);
            if (m != null && m.getState().isQuarantined() && !leased) {
                m.deleted("purged from the quarantine: " + why, now);
                record(m.getId(), Action.PURGE, "retention", null, now, why);
                purged.add(c);
            }
        }
        return purged;
    }

    /** FAILED messages whose files are kept and were last changed before {@code cutoff}, at most {@code limit}. */
    public List<QuarantineRepository.Candidate> keptFilesBefore(Instant cutoff, int limit) {
        return actions.keptFilesBefore(cutoff, limit);
    }

    public void filesRemoved(List<String> ids, Instant now) {
        actions.filesRemoved(ids, now);
    }

    /** Records of handled mail last changed before {@code cutoff}, at most {@code limit}. */
    public List<QuarantineRepository.Candidate> handledBefore(Instant cutoff, int limit) {
        return actions.handledBefore(cutoff, limit);
    }

    public int deleteRecords(List<String> ids) {
        return actions.deleteRecords(ids);
    }

    public void recordRun(PurgeRunEntity run) {
        actions.recordRun(run);
    }

    private MessageEntity quarantined(String id, Long version) {
        return quarantined(id, version, null);
    }

    /** The held message {@code id} at {@code version} (null: any), not leased to anyone but {@code lease}. */
    private MessageEntity quarantined(String id, Long version, String lease) {
        MessageEntity m = messages.find(id).orElseThrow(() -> new RefusedException(Reason.NOT_FOUND,
                "no message has the id '" + id + "'"));
        if (!m.getState().isQuarantined()) {
            throw new RefusedException(Reason.CONFLICT, "message " + id + " is " + m.getState()
                    + ", no longer in the quarantine");
        }
        if (m.getLeaseUntil() != null && m.getLeaseUntil().isAfter(Instant.now())
                && !java.util.Objects.equals(m.getLeaseOwner(), lease)) {
            throw new RefusedException(Reason.CONFLICT, "message " + id + " is being rescanned; look at it again in a"
                    + " moment");
        }
        if (version != null && m.getVersion() != version) {
            throw new RefusedException(Reason.CONFLICT, "message " + id + " changed while the action was prepared;"
                    + " look at it again and repeat the action");
        }
        return m;
    }

    private void record(String id, Action action, String actor, String address, Instant now, String detail) {
        actions.record(new QuarantineActionEntity(id, action.name(), actor, address, now, detail));
    }

    /** What can be done to a quarantined message, as the record names it. */
    public enum Action {
        RELEASE, RESCAN, RESCAN_WITH_PASSWORDS, RESCAN_VIA_LINK, FORWARD, DOWNLOAD, DELETE, PURGE
    }
}
