package io.moat.web.console;

import io.moat.delivery.Quarantine;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How the pages show times, sizes and lists: {@code #{fmt.time(m.receivedAt())}}. Times are UTC, as in the logs. */
@Named("fmt")
@ApplicationScoped
public class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'",
            Locale.ROOT).withZone(ZoneOffset.UTC);

    public String time(Instant instant) {
        return utc(instant);
    }

    /** The same for messages the beans write. */
    static String utc(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    public String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    /** A duration in words, largest unit first, to the second: "30 days", "1 day 6 hours", "2 seconds". */
    public String words(Duration duration) {
        if (duration == null) {
            return "—";
        }
        long seconds = duration.getSeconds();
        List<String> parts = new ArrayList<>();
        long[] sizes = {86_400, 3_600, 60, 1};
        String[] units = {"day", "hour", "minute", "second"};
        for (int i = 0; i < sizes.length; i++) {
            long count = seconds / sizes[i];
            seconds %= sizes[i];
            if (count > 0) {
                parts.add(count(count, units[i]));
            }
        }
        return parts.isEmpty() ? "0 seconds" : String.join(" ", parts);
    }

    /** A duration as an admin types it: whole days as {@code P30D} (where {@code toString} writes PT720H). */
    static String iso(Duration duration) {
        return duration.getNano() == 0 && duration.getSeconds() > 0 && duration.getSeconds() % 86_400 == 0
                ? "P" + duration.toDays() + "D"
                : duration.toString();
    }

    /** What a purge removed, in words: "2 quarantined messages, 0 spool files, 1 record". */
    public String purged(Quarantine.PurgedDto purged) {
        return count(purged.quarantined(), "quarantined message") + ", " + count(purged.spoolFiles(), "spool file")
                + ", " + count(purged.records(), "record");
    }

    private static String count(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    public String list(List<String> values) {
        return values == null || values.isEmpty() ? "—" : String.join(", ", values);
    }
}
