package io.moat.web.console;

import io.moat.delivery.Quarantine;
import io.moat.settings.RefusedException;
import io.moat.settings.RetentionSettings;
import io.moat.settings.RetentionSettingsService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Settings › Retention: how long the quarantine, the spool files of failed mail and the records of handled mail are
 * kept, as ISO-8601 durations (whole days shown as {@code P30D}); and "Purge now", which runs the purge that otherwise
 * runs every {@code moat.retention.interval} and says what it removed.
 */
@Named("retention")
@RequestScoped
public class RetentionView {

    private static final String FORM = "retention-form:";
    /** The service's field names, as its refusals start, and the inputs that show them. */
    private static final Map<String, String> INPUTS = Map.of("quarantine", "quarantine", "spoolFiles", "spool-files",
            "records", "records");

    @Inject
    RetentionSettingsService settings;

    @Inject
    Quarantine quarantine;

    @Inject
    Formats fmt;

    private RetentionSettings inEffect;
    private Quarantine.PurgedDto lastDay;
    private String quarantineTime;
    private String spoolFiles;
    private String records;

    @PostConstruct
    void load() {
        inEffect = settings.get();
        quarantineTime = Formats.iso(inEffect.quarantine());
        spoolFiles = Formats.iso(inEffect.spoolFiles());
        records = Formats.iso(inEffect.records());
    }

    @AdminOnly
    public String save() {
        RetentionSettings saved;
        try {
            saved = settings.put(quarantineTime, spoolFiles, records);
        } catch (RefusedException e) {
            String field = e.getMessage().substring(0, Math.max(0, e.getMessage().indexOf(':')));
            Feedback.refused(INPUTS.containsKey(field) ? FORM + INPUTS.get(field) : null, e);
            return null;
        }
        Feedback.done("Saved: quarantined messages are kept " + fmt.words(saved.quarantine()) + ", the spool files of"
                + " failed mail " + fmt.words(saved.spoolFiles()) + ", the records " + fmt.words(saved.records())
                + ". The next purge applies them.");
        return again();
    }

    /** Runs the purge at once and says what it removed. */
    @AdminOnly
    public String purgeNow() {
        Quarantine.PurgedDto purged = quarantine.purgeNow();
        Feedback.done("Purged now: " + fmt.purged(purged) + ".");
        return again();
    }

    private static String again() {
        Feedback.keepOverRedirect();
        return FacesContext.getCurrentInstance().getViewRoot().getViewId() + "?faces-redirect=true";
    }

    public RetentionSettings getInEffect() {
        return inEffect;
    }

    /** What the purge removed in the last 24 hours, and when it last ran. */
    public Quarantine.PurgedDto getLastDay() {
        if (lastDay == null) {
            lastDay = quarantine.purgedSince(Instant.now().minus(Duration.ofDays(1)));
        }
        return lastDay;
    }

    public String getQuarantineTime() {
        return quarantineTime;
    }

    public void setQuarantineTime(String quarantineTime) {
        this.quarantineTime = quarantineTime;
    }

    public String getSpoolFiles() {
        return spoolFiles;
    }

    public void setSpoolFiles(String spoolFiles) {
        this.spoolFiles = spoolFiles;
    }

    public String getRecords() {
        return records;
    }

    public void setRecords(String records) {
        this.records = records;
    }
}
