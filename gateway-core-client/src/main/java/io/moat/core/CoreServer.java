package io.moat.core;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a MetaDefender Core server is and how to talk to it.
 *
 * @param baseUri        absolute {@code http} or {@code https} URI of Core's REST API; it may carry a path prefix
 *                       ({@code http://h:8008/core} makes the file endpoint {@code /core/file})
 * @param apiKey         API key sent as the {@code apikey} header; {@code null} or blank sends none. Never printed by
 *                       {@link #toString()}
 * @param rule           rule (workflow) name sent with each file; {@code null} or blank means Core's default rule
 * @param requestTimeout connect timeout and timeout of each request; positive
 */
public record CoreServer(URI baseUri, String apiKey, String rule, Duration requestTimeout) {

    /**
     * Checks the arguments.
     *
     * @throws NullPointerException     if {@code baseUri} or {@code requestTimeout} is null
     * @throws IllegalArgumentException if {@code baseUri} is not an absolute http(s) URI with a host, if it has a
     *                                  query, fragment or user info, if {@code requestTimeout} is not positive, or
     *                                  if {@code apiKey} contains characters that cannot go into an HTTP header
     */
    public CoreServer {
        Objects.requireNonNull(baseUri, "baseUri");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        String scheme = baseUri.getScheme() == null ? "" : baseUri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || baseUri.getHost() == null) {
            throw new IllegalArgumentException("baseUri must be an absolute http(s) URI with a host: " + baseUri);
        }
        if (baseUri.getRawQuery() != null || baseUri.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUri must not have a query or fragment: " + baseUri);
        }
        if (baseUri.getRawUserInfo() != null) {
            // the value is deliberately not part of the message
            throw new IllegalArgumentException("baseUri must not carry credentials; use apiKey");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (apiKey != null && !isHeaderSafe(apiKey)) {
            // the value is deliberately not part of the message
            throw new IllegalArgumentException("apiKey contains characters that are not allowed in an HTTP header");
        }
    }

    /** Like the generated form, but the API key is only reported as present or absent. */
    @Override
    public String toString() {
        String key = apiKey == null || apiKey.isBlank() ? "(none)" : "(set)";
        return "CoreServer[baseUri=" + baseUri + ", apiKey=" + key + ", rule=" + rule + ", requestTimeout="
                + requestTimeout + "]";
    }

    private static boolean isHeaderSafe(String value) {
        return value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c < 0x7f);
    }
}
