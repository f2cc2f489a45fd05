package io.moat.settings;

import io.moat.persistence.SettingRepository;
import io.moat.settings.RefusedException.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.format.DateTimeParseException;

/**
 * Settings › Retention: how long quarantined messages, the spool files of failed mail and the records of handled
 * mail are kept ({@link RetentionSettings}); the purge reads them at each run, so a change applies at the next.
 */
@ApplicationScoped
@Transactional
public class RetentionSettingsService {

    static final String QUARANTINE = "retention.quarantine";
    static final String SPOOL_FILES = "retention.spool-files";
    static final String RECORDS = "retention.records";
    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofDays(3650);

    @Inject
    SettingRepository settings;

    public RetentionSettings get() {
        RetentionSettings d = RetentionSettings.DEFAULTS;
        return new RetentionSettings(read(QUARANTINE, d.quarantine()), read(SPOOL_FILES, d.spoolFiles()),
                read(RECORDS, d.records()));
    }

    /** Stores the times given (each an ISO-8601 duration such as P30D; null keeps the current one). */
    @ChangesSettings
    public RetentionSettings put(String quarantine, String spoolFiles, String records) {
        Duration q = parse("quarantine", quarantine);
        Duration s = parse("spoolFiles", spoolFiles);
        Duration r = parse("records", records);
        store(QUARANTINE, q);
        store(SPOOL_FILES, s);
        store(RECORDS, r);
        return get();
    }

    private void store(String name, Duration value) {
        if (value != null) {
            settings.put(name, value.toString());
        }
    }

    private Duration read(String name, Duration fallback) {
        return settings.get(name).map(Duration::parse).orElse(fallback);
    }

    static Duration parse(String field, String value) {
        return parse(field, value, MIN, MAX);
    }

    /** {@code value} as an ISO-8601 duration from {@code min} to {@code max}; null for null; INVALID naming field. */
    static Duration parse(String field, String value, Duration min, Duration max) {
        if (value == null) {
            return null;
        }
        Duration d;
        try {
            d = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new RefusedException(Reason.INVALID, field + ": '" + value + "' is not an ISO-8601 duration such as"
                    + " P30D (30 days) or PT12H");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new RefusedException(Reason.INVALID, field + ": give " + min + " to " + max + " (" + value + ")");
        }
        return d;
    }
}
