package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;

/** One attachment of a message, its decoded bytes in the spool, and what Core said about it. */
@Entity
@Table(name = "moat_attachment")
public class AttachmentEntity {

    static final int VERDICT_LABEL_LENGTH = 512;
    /** {@link #getCdr()}: Core has a sanitized copy of the part. */
    public static final String CDR_SANITIZED = "SANITIZED";
    /** {@link #getCdr()}: Core's sanitization failed, or its copy could not be had or put in place. */
    public static final String CDR_FAILED = "FAILED";
    /** {@link #getCdr()}: the delivered message carries the sanitized copy in the part's place. */
    public static final String CDR_REPLACED = "REPLACED";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "message_id")
    private MessageEntity message;

    @Column(name = "part_index")
    private int partIndex;

    @Column(name = "file_name")
    private String fileName;

    @Column(name = "content_type")
    private String contentType;

    @Column(name = "size_bytes")
    private long sizeBytes;

    @Column(name = "part_name")
    private String partName;

    @Column(name = "data_id")
    private String dataId;

    @Column(name = "verdict_code")
    private Integer verdictCode;

    @Column(name = "verdict_label")
    private String verdictLabel;

    /** The verdict category name as the core client defines it (CLEAN, INFECTED, ...), or null while pending. */
    private String category;

    @Column(name = "submitted_at")
    private Instant submittedAt;

    @Column(name = "completed_at")
    private Instant completedAt;

    /**
     * The byte range in the stored message of the outermost MIME entity holding this part (null: recorded before
     * the ranges were, or a finding): what a rule that deletes blocked content replaces.
     */
    @Column(name = "entity_start")
    private Long entityStart;

    @Column(name = "entity_end")
    private Long entityEnd;

    /** A text body (text/plain or text/html, not an attachment), which a rule may leave unscanned. */
    @Column(name = "body_part")
    private boolean body;

    /**
     * What Deep CDR made of the part (V19): {@code SANITIZED} (Core has a sanitized copy), {@code FAILED},
     * {@code REPLACED} (delivered as the sanitized copy); null when none ran or the rule does not use it.
     */
    @Column(name = "cdr")
    private String cdr;

    /** The sanitized copy's name as Core gave it, or null. */
    @Column(name = "cdr_file_name")
    private String cdrFileName;

    protected AttachmentEntity() {
        // for JPA
    }

    public AttachmentEntity(int index, String fileName, String contentType, long sizeBytes, String partName) {
        this.partIndex = index;
        this.fileName = MessageEntity.truncate(fileName, 512);
        this.contentType = MessageEntity.truncate(contentType, 255);
        this.sizeBytes = sizeBytes;
        this.partName = partName;
    }

    /** Where the part lives in the stored message, and whether it is a text body. */
    public void locate(Long entityStart, Long entityEnd, boolean body) {
        this.entityStart = entityStart;
        this.entityEnd = entityEnd;
        this.body = body;
    }

    public Long getEntityStart() {
        return entityStart;
    }

    public Long getEntityEnd() {
        return entityEnd;
    }

    public boolean isBody() {
        return body;
    }

    void setMessage(MessageEntity message) {
        this.message = message;
    }

    public void submitted(String dataId, Instant at) {
        this.dataId = dataId;
        this.submittedAt = at;
    }

    public void completed(int code, String label, String category, Instant at) {
        concluded(label, category, at);
        this.verdictCode = code;
    }

    /** A verdict of the gateway's own, with no code of Core's (a part it could not inspect, say). */
    public void concluded(String label, String category, Instant at) {
        this.verdictLabel = MessageEntity.truncate(label, VERDICT_LABEL_LENGTH);
        this.category = category;
        this.completedAt = at;
    }

    /** What Deep CDR made of the part, and the sanitized copy's name (see the fields); null for none. */
    public void sanitization(String state, String sanitizedName) {
        this.cdr = state;
        this.cdrFileName = MessageEntity.truncate(sanitizedName, 255);
    }

    public String getCdr() {
        return cdr;
    }

    public String getCdrFileName() {
        return cdrFileName;
    }

    /** Forgets a submission so that the attachment is sent to Core again (a failed scan is retried). */
    public void resetScan() {
        this.cdr = null;
        this.cdrFileName = null;
        this.dataId = null;
        this.submittedAt = null;
        this.verdictCode = null;
        this.verdictLabel = null;
        this.category = null;
        this.completedAt = null;
    }

    public boolean hasVerdict() {
        return category != null;
    }

    public Long getId() {
        return id;
    }

    public MessageEntity getMessage() {
        return message;
    }

    public int getPartIndex() {
        return partIndex;
    }

    public String getFileName() {
        return fileName;
    }

    public String getContentType() {
        return contentType;
    }

    public long getSizeBytes() {
        return sizeBytes;
    }

    public String getPartName() {
        return partName;
    }

    public String getDataId() {
        return dataId;
    }

    public Integer getVerdictCode() {
        return verdictCode;
    }

    public String getVerdictLabel() {
        return verdictLabel;
    }

    public String getCategory() {
        return category;
    }

    public Instant getSubmittedAt() {
        return submittedAt;
    }

    public Instant getCompletedAt() {
        return completedAt;
    }
}
