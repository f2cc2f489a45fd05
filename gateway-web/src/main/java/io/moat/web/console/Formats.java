package io.moat.web.console;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

    public String list(List<String> values) {
        return values == null || values.isEmpty() ? "—" : String.join(", ", values);
    }
}
