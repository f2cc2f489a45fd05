package io.moat.settings.profiles;

import io.moat.settings.RefusedException.Reason;
import io.moat.settings.SettingNames;
import io.moat.settings.profiles.ServerProfile.Server;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.tls.TlsException;
import io.moat.tls.TlsSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * What a server profile must be, checked without the database, the secrets or the certificate store: its name, its
 * recipient domains and each server as given. What needs the stored state (a name or domain used by another profile,
 * a client certificate that exists, the password kept from before) is {@link ServerProfileService}'s. Every refusal
 * is {@link Reason#INVALID} in words the admin can act on.
 */
final class ProfileRules {

    /** TLS versions of a server that names none. */
    static final List<String> DEFAULT_PROTOCOLS = SettingNames.DEFAULT_TLS_PROTOCOLS;
    private static final List<String> SMTP_ENCRYPTIONS = List.of("NONE", "STARTTLS_OPTIONAL", "STARTTLS_REQUIRED");

    private ProfileRules() {
    }

    /**
     * A server as given, checked and cleaned: the URI without query or fragment, the encryption an {@code smtp://}
     * server gets ({@code STARTTLS_OPTIONAL} when none is given; {@code null} for {@code smtps://} and Core), the
     * TLS versions to use.
     */
    record CheckedServer(String uri, String encryption, List<String> protocols, boolean verifyHostname,
            String username, String clientCertificateId) {
    }

    /** The profile's name, stripped: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    static String name(String given) {
        String name = given == null ? "" : given.strip();
        if (!SettingNames.isName(name)) {
            throw SettingNames.invalid("name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /** The recipient domains, stripped and lower-cased, blanks left out; only SMTP profiles route domains. */
    static List<String> recipientDomains(Type type, List<String> given) {
        List<String> domains = given.stream().map(d -> d.strip().toLowerCase(Locale.ROOT)).filter(d -> !d.isEmpty())
                .toList();
        if (type == Type.CORE && !domains.isEmpty()) {
            throw SettingNames.invalid("recipientDomains route mail to SMTP profiles; a Core profile has none");
        }
        for (String domain : domains) {
            if (!SettingNames.isDomain(domain)) {
                throw SettingNames.invalid("recipient domain '" + domain + "' is not a domain name");
            }
        }
        return domains;
    }

    /** One server of a profile of {@code type}, as given over the API. */
    static CheckedServer server(Type type, Server in) {
        URI uri;
        try {
            uri = new URI(in.uri() == null ? "" : in.uri().strip());
        } catch (URISyntaxException e) {
            throw SettingNames.invalid("'" + in.uri() + "' is not a URI: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null) {
            throw SettingNames.invalid("server '" + in.uri() + "' has no host; e.g. " + (type == Type.SMTP
                    ? "smtp://mx.internal:25"
                    : "https://core.internal:8008"));
        }
        String encryption = in.encryption() == null ? null : in.encryption().strip().toUpperCase(Locale.ROOT);
        if (type == Type.SMTP) {
            if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
                throw SettingNames
                        .invalid("an SMTP server is smtp://host:port or smtps://host:port, not '" + in.uri() + "'");
            }
            if (scheme.equals("smtps")) {
                if (encryption != null && !encryption.equals("IMPLICIT_TLS")) {
                    throw SettingNames.invalid("smtps:// is implicit TLS; leave encryption out for " + in.uri());
                }
                encryption = null;
            } else {
                encryption = encryption == null ? "STARTTLS_OPTIONAL" : encryption;
                if (!SMTP_ENCRYPTIONS.contains(encryption)) {
                    throw SettingNames
                            .invalid("encryption '" + in.encryption() + "' is not one of " + SMTP_ENCRYPTIONS);
                }
            }
        } else {
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw SettingNames.invalid("a Core server is http(s)://host:port, not '" + in.uri() + "'");
            }
            if (encryption != null || in.username() != null || in.clientCertificateId() != null) {
                throw SettingNames.invalid("a Core server has only uri and protocols");
            }
        }
        List<String> protocols = in.protocols().isEmpty() ? DEFAULT_PROTOCOLS : in.protocols();
        try {
            new TlsSettings(protocols, List.of()).validated();
        } catch (TlsException e) {
            throw SettingNames.invalid(e.getMessage());
        }
        String clean = scheme + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
        String username = in.username() == null || in.username().isBlank() ? null : in.username();
        if (username != null && "NONE".equals(encryption)) {
            throw SettingNames.invalid("server " + clean + " has encryption NONE and the username '" + username
                    + "': credentials"
                    + " are only ever sent over TLS; choose STARTTLS_REQUIRED (or smtps://), or leave the username out");
        }
        if (username == null && in.password() != null && !in.password().isEmpty()) {
            throw SettingNames.invalid("a password for " + clean + " needs a username");
        }
        String clientCertificateId = in.clientCertificateId() == null || in.clientCertificateId().isBlank()
                ? null
                : in.clientCertificateId();
        return new CheckedServer(clean, encryption, protocols, !Boolean.FALSE.equals(in.verifyHostname()), username,
                clientCertificateId);
    }

}
