package io.moat.settings;

import java.time.Duration;

/**
 * How long the gateway keeps what it holds. {@code quarantine}: quarantined messages (files and all) from their
 * arrival; {@code spoolFiles}: the spool files of FAILED messages, and the originals of messages delivered with
 * sanitized parts (Deep CDR; other delivered ones lose theirs at delivery), from their last change; {@code records}: the records of handled mail (delivered, failed, deleted) from their last change.
 */
public record RetentionSettings(Duration quarantine, Duration spoolFiles, Duration records) {

    public static final RetentionSettings DEFAULTS = new RetentionSettings(Duration.ofDays(30), Duration.ofDays(7),
            Duration.ofDays(90));
}
