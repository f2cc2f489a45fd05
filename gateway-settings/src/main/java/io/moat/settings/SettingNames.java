package io.moat.settings;

import io.moat.settings.RefusedException.Reason;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What every kind of setting checks the same way: the names an admin gives things, host and domain names, the TLS
 * versions a surface gets when none are named, and the refusal of an invalid value.
 */
public final class SettingNames {

    /** TLS versions of an endpoint, a profile's server or the console when none are named. */
    public static final List<String> DEFAULT_TLS_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HOST = Pattern
            .compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern DOMAIN = Pattern.compile("\\.?" + HOST.pattern());

    private SettingNames() {
    }

    /** A name of an endpoint or a profile: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static boolean isName(String name) {
        return NAME.matcher(name).matches();
    }

    /** A host name (RFC 1123 labels), e.g. {@code mx.example.com}. */
    public static boolean isHostName(String host) {
        return HOST.matcher(host).matches();
    }

    /** A domain, or with a leading dot its subdomains ({@code .example.org}). */
    public static boolean isDomain(String domain) {
        return DOMAIN.matcher(domain).matches();
    }

    /** The refusal of an invalid value, in words the admin can act on (a 400 problem at the API). */
    public static RefusedException invalid(String message) {
        return new RefusedException(Reason.INVALID, message);
    }
}
