package io.moat.persistence;

import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One message the gateway took responsibility for; its bytes are in the spool under {@link #getSpoolName()}. */
@Entity
@Table(name = "moat_message")
public class MessageEntity {

    /** Column lengths that texts are cut to, here and in {@link MessageUpdate}. */
    static final int SUBJECT_LENGTH = 998;
    static final int SCAN_SUMMARY_LENGTH = 255;
    static final int ERROR_LENGTH = 2000;
    static final int REPLY_LENGTH = 2000;
    static final int MARKS_LENGTH = 1000;

    @Id
    private String id;

    @Enumerated(EnumType.STRING)
    private MessageKind kind;

    @Enumerated(EnumType.STRING)
    private MessageState state;

    @Column(name = "mail_from")
    private String mailFrom;

    /** Forward paths, one per line. */
    private String recipients;

    /** The recipients still to deliver to, one per line; null while that is all of them. */
    @Column(name = "pending_recipients")
    private String pendingRecipients;

    private String endpoint;

    @Column(name = "remote_address")
    private String remoteAddress;

    private String helo;

    @Column(name = "tls_protocol")
    private String tlsProtocol;

    @Column(name = "tls_cipher")
    private String tlsCipher;

    /** The client gave SMTPUTF8 on MAIL (RFC 6531). */
    @Column(name = "smtputf8")
    private boolean smtpUtf8;

    /** The client gave BODY=8BITMIME on MAIL (RFC 6152). */
    @Column(name = "body_8bitmime")
    private boolean eightBitMime;

    private String subject;

    @Column(name = "size_bytes")
    private long sizeBytes;

    @Column(name = "spool_name")
    private String spoolName;

    @Column(name = "received_at")
    private Instant receivedAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Column(name = "next_attempt_at")
    private Instant nextAttemptAt;

    @Column(name = "lease_until")
    private Instant leaseUntil;

    @Column(name = "lease_owner")
    private String leaseOwner;

    private int attempts;

    @Column(name = "scan_summary")
    private String scanSummary;

    @Column(name = "last_error")
    private String lastError;

    /** The security rule that took the message (null: a DSN of ours), by id and by name for the record. */
    @Column(name = "rule_id")
    private String ruleId;

    @Column(name = "rule_name")
    private String ruleName;

    /** The rule's direction label (INBOUND, OUTBOUND), for reports. */
    private String direction;

    /**
     * The SMTP server profile (by id) a message of the gateway's own goes through; null: its rule's, else the one
     * routing the recipient's domain.
     */
    @Column(name = "relay_profile")
    private String relayProfile;

    /** What the scan concluded (ALLOWED, BLOCKED, ENCRYPTED, SCAN_ERROR, UNINSPECTED), once decided. */
    private String outcome;

    /** What the rule did about the outcome (DELIVER, QUARANTINE, DELETE_CONTENT, DELIVER_TAGGED, BYPASS, ...). */
    @Column(name = "rule_action")
    private String action;

    /** The marks added to the delivered copy, in a line ("subject tag [X]; headers X-A; disclaimer in text"). */
    private String marks;

    /** Claims of this message that failed in a row (ended in an exception or error); reset by one that did not. */
    @Column(name = "failed_claims")
    private int failedClaims;

    /** How often the message's failed scans were submitted to Core again. */
    @Column(name = "scan_rounds")
    private int scanRounds;

    /** When an admin (or a recipient with a password) last put the message back on its path; null: never. */
    @Column(name = "restarted_at")
    private Instant restartedAt;

    /** When the retention purge (or an admin's delete) removed the message's spool files; null: kept. */
    @Column(name = "files_removed_at")
    private Instant filesRemovedAt;

    @Version
    private long version;

    @OneToMany(mappedBy = "message", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("partIndex")
    private List<AttachmentEntity> attachments = new ArrayList<>();

    @OneToMany(mappedBy = "message", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("attemptedAt")
    private List<DeliveryAttemptEntity> deliveryAttempts = new ArrayList<>();

    protected MessageEntity() {
        // for JPA
    }

    public MessageEntity(String id, MessageKind kind, String mailFrom, List<String> recipients, String spoolName,
            long sizeBytes, Instant receivedAt) {
        this.id = id;
        this.kind = kind;
        this.state = MessageState.RECEIVED;
        this.mailFrom = withoutNul(mailFrom);
        this.recipients = withoutNul(String.join("\n", recipients));
        this.spoolName = spoolName;
        this.sizeBytes = sizeBytes;
        this.receivedAt = receivedAt;
        this.updatedAt = receivedAt;
        this.nextAttemptAt = receivedAt;
    }

    /** Moves to a new state, due at once (a final state is never due again). */
    public void moveTo(MessageState next, Instant now) {
        this.state = next;
        this.updatedAt = now;
        this.nextAttemptAt = nextAttempt(next, now);
        this.lastError = null;
    }

    /** Stays in (or moves to) a state, due again at {@code due} unless it is final, and says why. */
    public void retryLater(MessageState next, Instant due, String reason, Instant now) {
        this.state = next;
        this.updatedAt = now;
        this.nextAttemptAt = nextAttempt(next, due);
        this.lastError = truncate(reason, ERROR_LENGTH);
    }

    /** The due time of a message in {@code state} that is due at {@code due}: none once it is final. */
    static Instant nextAttempt(MessageState state, Instant due) {
        return state.isFinal() ? null : due;
    }

    /** The insert of a new message, with the values of {@link #insertValues()} in this order. */
    static final String INSERT = "INSERT INTO moat_message (id, kind, state, mail_from, recipients, pending_recipients,"
            + " endpoint, remote_address, helo, tls_protocol, tls_cipher, smtputf8, body_8bitmime, subject, size_bytes,"
            + " spool_name, received_at, updated_at, next_attempt_at, lease_until, lease_owner, attempts, scan_summary,"
            + " last_error, rule_id, rule_name, direction, relay_profile, version)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /** This message's columns for {@link #INSERT}: as JPA would write them, at version 0. */
    Object[] insertValues() {
        return new Object[]{id, kind.name(), state.name(), mailFrom, recipients, pendingRecipients, endpoint,
                remoteAddress, helo, tlsProtocol, tlsCipher, smtpUtf8, eightBitMime, subject, sizeBytes, spoolName,
                receivedAt, updatedAt, nextAttemptAt, leaseUntil, leaseOwner, attempts, scanSummary, lastError, ruleId,
                ruleName, direction, relayProfile, 0L};
    }

    /**
     * Leased to {@code owner} until {@code until} from the start: a message the node that stores it will run itself,
     * without claiming it from the database (see {@code MessageRepository#claim} for leases).
     */
    public void leaseTo(String owner, Instant until) {
        this.leaseOwner = owner;
        this.leaseUntil = until;
    }

    /** Due at once (an admin's "retry now"); a final message stays final. */
    public void dueNow(Instant now) {
        if (!state.isFinal()) {
            this.nextAttemptAt = now;
            this.updatedAt = now;
        }
    }

    /**
     * Put back on its path from the quarantine by an admin's release or rescan: due at once in {@code next}, with
     * its budgets (scan time, delivery lifetime) counted from now, its earlier decision, marks and scan rounds
     * cleared. The summary says who did it.
     */
    public void restart(MessageState next, String summary, Instant now) {
        this.state = next;
        this.updatedAt = now;
        this.nextAttemptAt = now;
        this.restartedAt = now;
        this.lastError = null;
        this.outcome = null;
        this.action = null;
        this.marks = null;
        this.scanRounds = 0;
        this.failedClaims = 0;
        setScanSummary(summary);
    }

    /** Recorded as released (delivered as it came, by an admin's decision), with the outcome it was held for. */
    public void released(String outcome) {
        this.outcome = outcome;
        this.action = "RELEASED";
    }

    /** Taken out of the quarantine for good ({@link MessageState#DELETED}), saying why; its files go with it. */
    public void deleted(String reason, Instant now) {
        retryLater(MessageState.DELETED, null, reason, now);
        this.filesRemovedAt = now;
    }

    /** Copies what a copy of this message carries over: client, parameters, subject, rule and its outcome. */
    public void copyFrom(MessageEntity original) {
        setClient(original.endpoint, original.remoteAddress, original.helo, original.tlsProtocol,
                original.tlsCipher);
        setMailParameters(original.smtpUtf8, original.eightBitMime);
        this.subject = original.subject;
        setRule(original.ruleId, original.ruleName, original.direction);
        this.outcome = original.outcome;
        this.scanSummary = original.scanSummary;
    }

    /** Until when a node (or an admin's rescan) holds the message; null: nobody. */
    public Instant getLeaseUntil() {
        return leaseUntil;
    }

    public String getLeaseOwner() {
        return leaseOwner;
    }

    public Instant getFilesRemovedAt() {
        return filesRemovedAt;
    }

    public Instant getRestartedAt() {
        return restartedAt;
    }

    public long getVersion() {
        return version;
    }

    public void addAttachment(AttachmentEntity attachment) {
        attachment.setMessage(this);
        attachments.add(attachment);
    }

    public DeliveryAttemptEntity addDeliveryAttempt(Instant at, String server, String outcome, String reply) {
        return addDeliveryAttempt(at, server, outcome, reply, null, null);
    }

    /** An attempt with the TLS version and cipher of its connection (both null for clear text). */
    public DeliveryAttemptEntity addDeliveryAttempt(Instant at, String server, String outcome, String reply,
            String tlsProtocol, String tlsCipher) {
        DeliveryAttemptEntity attempt = new DeliveryAttemptEntity(this, at, server, outcome,
                truncate(reply, REPLY_LENGTH));
        attempt.tls(tlsProtocol, tlsCipher);
        deliveryAttempts.add(attempt);
        attempts++;
        return attempt;
    }

    /** {@code text} cut to {@code max} characters, {@link #withoutNul without NUL}. */
    static String truncate(String text, int max) {
        return withoutNul(text == null || text.length() <= max ? text : text.substring(0, max));
    }

    /**
     * {@code text} with NUL (U+0000) as U+FFFD: what comes from mail or from Core can hold one (RFC 2047's
     * {@code =00}, JSON's {@code \u0000}), and PostgreSQL's text cannot, so the record would not be written at all.
     */
    static String withoutNul(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    public String getId() {
        return id;
    }

    public MessageKind getKind() {
        return kind;
    }

    public MessageState getState() {
        return state;
    }

    public String getMailFrom() {
        return mailFrom;
    }

    public List<String> getRecipients() {
        return recipients.isEmpty() ? List.of() : Arrays.asList(recipients.split("\n"));
    }

    /** The recipients still to deliver to (all of them until a partial delivery). */
    public List<String> getPendingRecipients() {
        return pendingRecipients == null ? getRecipients() : Arrays.asList(pendingRecipients.split("\n"));
    }

    public void setPendingRecipients(List<String> pending) {
        this.pendingRecipients = withoutNul(String.join("\n", pending));
    }

    public String getEndpoint() {
        return endpoint;
    }

    public String getRemoteAddress() {
        return remoteAddress;
    }

    public String getHelo() {
        return helo;
    }

    public String getTlsProtocol() {
        return tlsProtocol;
    }

    public String getTlsCipher() {
        return tlsCipher;
    }

    /** Records who sent the message and over what. */
    public void setClient(String endpoint, String remoteAddress, String helo, String tlsProtocol, String tlsCipher) {
        this.endpoint = endpoint;
        this.remoteAddress = remoteAddress;
        this.helo = truncate(helo, 255);
        this.tlsProtocol = tlsProtocol;
        this.tlsCipher = tlsCipher;
    }

    /** Whether the client gave SMTPUTF8 on MAIL (RFC 6531): the downstream server must offer it. */
    public boolean isSmtpUtf8() {
        return smtpUtf8;
    }

    /** Whether the client gave BODY=8BITMIME on MAIL (RFC 6152). */
    public boolean isEightBitMime() {
        return eightBitMime;
    }

    /** Records the parameters the client gave on MAIL that the delivery must declare again. */
    public void setMailParameters(boolean smtpUtf8, boolean eightBitMime) {
        this.smtpUtf8 = smtpUtf8;
        this.eightBitMime = eightBitMime;
    }

    /** The security rule the message is handled by (set by the intake for each copy it stores). */
    public void setRule(String ruleId, String ruleName, String direction) {
        this.ruleId = ruleId;
        this.ruleName = ruleName;
        this.direction = direction;
    }

    public String getRuleId() {
        return ruleId;
    }

    public String getRuleName() {
        return ruleName;
    }

    public String getDirection() {
        return direction;
    }

    /** The SMTP server profile (by id) a message of the gateway's own goes through (a notification's). */
    public String getRelayProfile() {
        return relayProfile;
    }

    public void setRelayProfile(String relayProfileId) {
        this.relayProfile = relayProfileId;
    }

    public String getOutcome() {
        return outcome;
    }

    public String getAction() {
        return action;
    }

    public String getMarks() {
        return marks;
    }

    public String getSubject() {
        return subject;
    }

    public void setSubject(String subject) {
        this.subject = truncate(subject, SUBJECT_LENGTH);
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public String getSpoolName() {
        return spoolName;
    }

    public Instant getReceivedAt() {
        return receivedAt;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    /** When the message is due for its next step; null once it is final. */
    public Instant getNextAttemptAt() {
        return nextAttemptAt;
    }

    public int getAttempts() {
        return attempts;
    }

    public String getScanSummary() {
        return scanSummary;
    }

    public void setScanSummary(String scanSummary) {
        this.scanSummary = truncate(scanSummary, SCAN_SUMMARY_LENGTH);
    }

    public String getLastError() {
        return lastError;
    }

    public int getFailedClaims() {
        return failedClaims;
    }

    public int getScanRounds() {
        return scanRounds;
    }

    public List<AttachmentEntity> getAttachments() {
        return attachments;
    }

    public List<DeliveryAttemptEntity> getDeliveryAttempts() {
        return deliveryAttempts;
    }
}
