package io.moat.settings.profiles;

import io.moat.settings.SettingNames;
import io.moat.settings.profiles.ServerProfile.Tls;
import io.moat.settings.profiles.ServerProfile.Webhook;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a Core profile's webhook settings must be, checked without the database or the certificate store (whether
 * the certificate exists, and whether the profiles agree on one listener, are {@link ServerProfileService}'s), and
 * what they are in effect once defaults are filled in.
 */
final class WebhookChecks {

    static final int DEFAULT_FALLBACK_POLL_SECONDS = 60;
    static final int MIN_FALLBACK_POLL_SECONDS = 5;
    static final int MAX_FALLBACK_POLL_SECONDS = 3600;
    /** The versions the webhook listener may serve. */
    static final List<String> PROTOCOLS = SettingNames.DEFAULT_TLS_PROTOCOLS;
    private static final Pattern IPV4 = Pattern
            .compile(
                    "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final int MAX_URL = 200;

    private WebhookChecks() {
    }

    /**
     * The settings given, checked; null fields take their defaults when used ({@link #effective}), except
     * {@code enabled}, which keeps what {@code before} had.
     */
    static StoredWebhook checked(Webhook in, StoredWebhook before) {
        boolean enabled = in.enabled() != null ? in.enabled() : before != null && before.enabled();
        String bindAddress = blankToNull(in.bindAddress());
        if (bindAddress != null && !IPV4.matcher(bindAddress).matches() && !IPV6.matcher(bindAddress).matches()) {
            throw SettingNames.invalid("webhook.bindAddress '" + bindAddress + "' is not an IP address (for example"
                    + " 0.0.0.0, or leave it out for the server's public interface)");
        }
        if (in.port() != null && (in.port() < 1 || in.port() > 65535)) {
            throw SettingNames.invalid("webhook.port must be 1..65535, was " + in.port());
        }
        String publicUrl = blankToNull(in.publicUrl());
        if (publicUrl != null) {
            publicUrl = publicUrl(publicUrl);
        }
        Tls tls = in.tls();
        String certificateId = null;
        List<String> protocols = List.of();
        if (tls != null && Boolean.TRUE.equals(tls.enabled())) {
            certificateId = blankToNull(tls.certificateId());
            if (certificateId == null) {
                throw SettingNames.invalid("webhook.tls.certificateId is missing: choose the certificate the webhook"
                        + " listener serves (an id from /api/v1/certificates, or 'digital-id')");
            }
            for (String protocol : tls.protocols()) {
                if (!PROTOCOLS.contains(protocol)) {
                    throw SettingNames.invalid("webhook.tls.protocols: '" + protocol + "' is not a TLS version the"
                            + " webhook listener serves; use " + String.join(" and/or ", PROTOCOLS));
                }
            }
            protocols = PROTOCOLS.stream().filter(tls.protocols()::contains).toList(); // in order, without repeats
        }
        Integer poll = in.fallbackPollSeconds();
        if (poll != null && (poll < MIN_FALLBACK_POLL_SECONDS || poll > MAX_FALLBACK_POLL_SECONDS)) {
            throw SettingNames.invalid("webhook.fallbackPollSeconds must be " + MIN_FALLBACK_POLL_SECONDS + ".."
                    + MAX_FALLBACK_POLL_SECONDS + ", was " + poll);
        }
        return new StoredWebhook(enabled, bindAddress, in.port(), publicUrl, certificateId, protocols, poll);
    }

    /** The listener these settings want: where, and with which certificate and versions (none: plain HTTP). */
    static WebhookListener.Listening listening(StoredWebhook stored, int defaultPort) {
        return new WebhookListener.Listening(stored.bindAddress(), port(stored, defaultPort), stored.certificateId(),
                stored.certificateId() == null ? List.of() : protocols(stored));
    }

    /** The settings in effect, as the API shows them. */
    static Webhook effective(StoredWebhook stored, int defaultPort, String publicHost) {
        Tls tls = new Tls(stored.certificateId() != null, stored.certificateId(),
                stored.certificateId() == null ? List.of() : protocols(stored));
        return new Webhook(stored.enabled(), stored.bindAddress(), port(stored, defaultPort),
                publicUrl(stored, defaultPort, publicHost), tls, fallbackPoll(stored));
    }

    /**
     * The settings as given, a null where a default applies: what an editor shows, so that saving it again stores
     * nothing else ({@link #checked} of it is {@code stored}).
     */
    static Webhook asGiven(StoredWebhook stored) {
        return new Webhook(stored.enabled(), stored.bindAddress(), stored.port(), stored.publicUrl(),
                new Tls(stored.certificateId() != null, stored.certificateId(), stored.protocols()),
                stored.fallbackPollSeconds());
    }

    /** The URL Core calls, without a trailing slash: as given, or {@code host} (the public address's) with the port. */
    static String publicUrl(StoredWebhook stored, int defaultPort, String host) {
        if (stored.publicUrl() != null) {
            return stored.publicUrl();
        }
        return defaultUrl(stored.certificateId() != null, port(stored, defaultPort), host);
    }

    /** The URL Core calls when none is given: {@code host} with the webhook port, https when the listener has TLS. */
    static String defaultUrl(boolean tls, int port, String host) {
        return (tls ? "https" : "http") + "://" + host + ":" + port;
    }

    static int fallbackPoll(StoredWebhook stored) {
        return stored.fallbackPollSeconds() == null ? DEFAULT_FALLBACK_POLL_SECONDS : stored.fallbackPollSeconds();
    }

    static Duration fallbackPollDuration(StoredWebhook stored) {
        return Duration.ofSeconds(fallbackPoll(stored));
    }

    private static int port(StoredWebhook stored, int defaultPort) {
        return stored.port() == null ? defaultPort : stored.port();
    }

    private static List<String> protocols(StoredWebhook stored) {
        return stored.protocols().isEmpty() ? PROTOCOLS : stored.protocols();
    }

    /** An absolute http(s) URL with a host, no user, query or fragment; the trailing slash dropped. */
    private static String publicUrl(String given) {
        URI uri;
        try {
            uri = new URI(given);
        } catch (URISyntaxException e) {
            throw SettingNames.invalid("webhook.publicUrl '" + given + "' is not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw SettingNames.invalid("webhook.publicUrl '" + given + "' is not an http(s) URL with a host, e.g."
                    + " https://moat.example.org:8089");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null
                || given.length() > MAX_URL) {
            throw SettingNames.invalid("webhook.publicUrl takes no user, query or fragment and at most " + MAX_URL
                    + " characters: '" + given + "'");
        }
        return given.endsWith("/") ? given.substring(0, given.length() - 1) : given;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
