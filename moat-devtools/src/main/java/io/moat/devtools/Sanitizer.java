package io.moat.devtools;

import java.nio.charset.StandardCharsets;

/**
 * The emulator's Deep CDR, deterministic so that a test can say which bytes arrive: a clean file holding
 * {@link #SANITIZE_MARKER} is "sanitized" into {@link #PREFIX} followed by its own bytes; a clean file holding
 * {@link #FAIL_MARKER} fails ({@code actions_failed: "Sanitization Failed"}, as a real Core reports it, and no
 * converted file); every other file is not sanitized, as with a workflow without Deep CDR. A file that is not clean
 * is never sanitized.
 */
final class Sanitizer {

    /** A clean file holding these ASCII bytes is sanitized. */
    static final String SANITIZE_MARKER = "MOAT-CDR-SANITIZE";
    /** A clean file holding these ASCII bytes fails sanitization (the fail marker wins over the other). */
    static final String FAIL_MARKER = "MOAT-CDR-FAIL";
    /** The line a sanitized file starts with, before the file's own bytes. */
    static final String PREFIX = "Sanitized by the Core emulator\r\n";

    private static final byte[] SANITIZE = SANITIZE_MARKER.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAIL = FAIL_MARKER.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.US_ASCII);
    private static final Outcome NONE = new Outcome("", "", null);

    private Sanitizer() {
    }

    /**
     * What Deep CDR made of one file: Core's {@code actions_ran} and {@code actions_failed}, and the converted bytes
     * (null: none, {@code GET /file/converted/{data_id}} answers 404).
     */
    record Outcome(String actionsRan, String actionsFailed, byte[] converted) {

        /**
         * The {@code post_processing} object of the file's result, empty while it is processed: the two fields of
         * CORE-API.md's example, and {@code actions_failed} (as a real Core reports it) only when an action failed.
         */
        String json(boolean complete, String fileName) {
            boolean converted = complete && this.converted != null;
            boolean failed = complete && !actionsFailed.isEmpty();
            return "{\"actions_ran\":" + Json.quote(complete ? actionsRan : "")
                    + (failed ? ",\"actions_failed\":" + Json.quote(actionsFailed) : "")
                    + ",\"converted_destination\":"
                    + Json.quote(converted ? fileName == null || fileName.isBlank() ? "file" : fileName : "") + "}";
        }
    }

    /** What Deep CDR makes of {@code data}, a file whose verdict is clean or not. */
    static Outcome sanitize(byte[] data, boolean clean) {
        if (!clean) {
            return NONE;
        }
        if (FileScanner.indexOf(data, FAIL) >= 0) {
            return new Outcome("", "Sanitization Failed", null);
        }
        if (FileScanner.indexOf(data, SANITIZE) >= 0) {
            byte[] converted = new byte[PREFIX_BYTES.length + data.length];
            System.arraycopy(PREFIX_BYTES, 0, converted, 0, PREFIX_BYTES.length);
            System.arraycopy(data, 0, converted, PREFIX_BYTES.length, data.length);
            return new Outcome("Sanitized", "", converted);
        }
        return NONE;
    }
}
