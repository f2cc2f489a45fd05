package io.moat.web.internal;

import io.moat.web.ProblemException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The query parameters several list resources share: paging and instants, refused with a 400 that names them. */
public final class ApiParameters {

    /** The most items one page of a list may hold. */
    public static final int MAX_LIMIT = 1000;

    private ApiParameters() {
    }

    public static void paging(int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw new ProblemException(400, "Bad paging", "offset must be >= 0 and limit 1.." + MAX_LIMIT);
        }
    }

    /** An ISO-8601 instant, or null when absent. */
    public static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw new ProblemException(400, "Bad " + name, "'" + value + "' is not an ISO-8601 instant such as"
                    + " 2026-11-29T18:00:00Z");
        }
    }
}
