package io.moat.core.internal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Encodings of values Core expects URL-encoded (header values and path segments). */
final class HeaderValues {

    private HeaderValues() {
    }

    /**
     * UTF-8 URL encoding as {@link URLEncoder} does it, but with spaces as {@code %20} rather than {@code +}. The
     * result is plain ASCII without control characters, so it is always a valid header value and path segment.
     */
    static String urlEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
