package io.moat.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Per-file options of {@link CoreClient#submit}.
 *
 * @param callbackUrl      URL Core calls when processing of the file finishes ({@code scheme://host:port/path}), or
 *                         {@code null} for none
 * @param archivePasswords passwords Core may try on an encrypted archive or document, in order; {@code null} means
 *                         none. Copied; never printed by {@link #toString()}
 */
public record SubmitOptions(String callbackUrl, List<String> archivePasswords) {

    private static final SubmitOptions NONE = new SubmitOptions(null, List.of());

    /**
     * Checks and copies the arguments.
     *
     * @throws IllegalArgumentException if {@code callbackUrl} is not an absolute http(s) URI
     * @throws NullPointerException     if a password is null
     */
    public SubmitOptions {
        if (callbackUrl != null) {
            checkCallbackUrl(callbackUrl);
        }
        archivePasswords = archivePasswords == null ? List.of() : List.copyOf(archivePasswords);
    }

    /** No callback, no passwords. */
    public static SubmitOptions none() {
        return NONE;
    }

    /** Like the generated form, but passwords are only counted. */
    @Override
    public String toString() {
        return "SubmitOptions[callbackUrl=" + callbackUrl + ", archivePasswords=(" + archivePasswords.size()
                + " hidden)]";
    }

    private static void checkCallbackUrl(String callbackUrl) {
        URI uri;
        try {
            uri = new URI(callbackUrl);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("callbackUrl is not a valid URI: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("callbackUrl must be an absolute http(s) URL: " + callbackUrl);
        }
    }
}
