package io.moat.smtp.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The arguments of {@code MAIL FROM:} and {@code RCPT TO:} (RFC 5321 4.1.2), checked for syntax: the address
 * (without angle brackets, source route dropped) and the ESMTP parameters. Lenient where clients commonly are (a
 * space after the colon, a path without brackets), strict about the mailbox itself. Non-ASCII characters are
 * allowed in addresses, as SMTPUTF8 (RFC 6531) is offered.
 *
 * @param problem what is wrong, or {@link Problem#NONE}
 * @param address the mailbox, {@code ""} for the null reverse path; {@code null} unless {@code problem} is NONE
 * @param parameters the ESMTP parameters by upper-case keyword, the value {@code null} when none was given
 */
record MailPath(Problem problem, String address, Map<String, String> parameters) {

    enum Problem {
        NONE,
        /** The command does not have the {@code FROM:}/{@code TO:} form, or its parameters are malformed. */
        SYNTAX,
        /** The address is not a valid mailbox. */
        ADDRESS
    }

    private static final int MAX_LOCAL_PART = 64;
    private static final int MAX_DOMAIN = 255;
    private static final int MAX_PATH = 256;
    private static final String ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";

    /**
     * @param arguments what follows the verb, e.g. {@code FROM:<a@b.example> SIZE=100}
     * @param keyword {@code FROM} or {@code TO}
     * @param mail true for MAIL (the null path {@code <>} is allowed), false for RCPT ({@code <Postmaster>} is)
     */
    static MailPath parse(String arguments, String keyword, boolean mail) {
        String prefix = keyword + ":";
        if (!arguments.regionMatches(true, 0, prefix, 0, prefix.length())) {
            return failed(Problem.SYNTAX);
        }
        String rest = arguments.substring(prefix.length()).stripLeading();
        String path;
        String tail;
        if (rest.startsWith("<")) {
            int close = closingBracket(rest);
            if (close < 0) {
                return failed(Problem.ADDRESS);
            }
            path = rest.substring(1, close);
            tail = rest.substring(close + 1);
            if (!tail.isEmpty() && tail.charAt(0) != ' ') {
                return failed(Problem.ADDRESS);
            }
        } else {
            int space = rest.indexOf(' ');
            path = space < 0 ? rest : rest.substring(0, space);
            tail = space < 0 ? "" : rest.substring(space);
            if (path.isEmpty()) {
                return failed(Problem.SYNTAX);
            }
        }
        Map<String, String> parameters = parameters(tail.strip());
        if (parameters == null) {
            return failed(Problem.SYNTAX);
        }
        String address = withoutSourceRoute(path);
        boolean valid = address != null && (address.isEmpty()
                ? mail
                : (!mail && address.equalsIgnoreCase("postmaster")) || isMailbox(address));
        if (!valid || octets(path) > MAX_PATH) {
            return failed(Problem.ADDRESS);
        }
        return new MailPath(Problem.NONE, address, Collections.unmodifiableMap(parameters));
    }

    private static MailPath failed(Problem problem) {
        return new MailPath(problem, null, Map.of());
    }

    /** The index of the {@code >} that closes the path opened at index 0, skipping quoted strings; else -1. */
    private static int closingBracket(String text) {
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            } else if (c == '<' && !quoted) {
                return -1;
            }
        }
        return -1;
    }

    /** {@code @a.example,@b.example:user@c.example} → {@code user@c.example}; null when the route is malformed. */
    private static String withoutSourceRoute(String path) {
        if (!path.startsWith("@")) {
            return path;
        }
        int colon = path.indexOf(':');
        if (colon < 0) {
            return null;
        }
        for (String hop : path.substring(0, colon).split(",", -1)) {
            if (!hop.startsWith("@") || !isDomain(hop.substring(1))) {
                return null;
            }
        }
        String mailbox = path.substring(colon + 1);
        return mailbox.isEmpty() ? null : mailbox;
    }

    /** {@code KEY[=VALUE]} separated by spaces; null when one is malformed. */
    private static Map<String, String> parameters(String text) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (text.isEmpty()) {
            return parameters;
        }
        for (String parameter : text.split(" +")) {
            int equals = parameter.indexOf('=');
            String key = equals < 0 ? parameter : parameter.substring(0, equals);
            String value = equals < 0 ? null : parameter.substring(equals + 1);
            if (!isKeyword(key) || (value != null && (value.isEmpty() || value.indexOf('=') >= 0))) {
                return null;
            }
            parameters.put(key.toUpperCase(Locale.ROOT), value);
        }
        return parameters;
    }

    private static boolean isKeyword(String key) {
        if (key.isEmpty() || !isLetterOrDigit(key.charAt(0))) {
            return false;
        }
        return key.chars().allMatch(c -> isLetterOrDigit(c) || c == '-');
    }

    /** RFC 5321 4.1.2 {@code Mailbox}, with UTF-8 allowed as RFC 6531 does. */
    static boolean isMailbox(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return false;
        }
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        return octets(local) <= MAX_LOCAL_PART && octets(domain) <= MAX_DOMAIN && isLocalPart(local)
                && (isDomain(domain) || isAddressLiteral(domain));
    }

    private static boolean isLocalPart(String local) {
        if (local.startsWith("\"")) {
            return isQuotedString(local);
        }
        for (String atom : local.split("\\.", -1)) {
            if (atom.isEmpty() || !atom.chars().allMatch(c -> isLetterOrDigit(c) || ATEXT_SPECIALS.indexOf(c) >= 0
                    || c >= 0x80)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isQuotedString(String text) {
        if (text.length() < 2 || !text.endsWith("\"")) {
            return false;
        }
        for (int i = 1; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
                if (i >= text.length() - 1 || text.charAt(i) < 32 || text.charAt(i) == 127) {
                    return false;
                }
            } else if (c == '"' || c < 32 || c == 127) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDomain(String domain) {
        if (domain.isEmpty()) {
            return false;
        }
        for (String label : domain.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")
                    || !label.chars().allMatch(c -> isLetterOrDigit(c) || c == '-' || c >= 0x80)) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 5321 4.1.3 address literals: {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]} (by its characters) and
     * {@code [tag:content]}. The general form's content leaves out {@code <}, {@code >} and {@code "}, which RFC 5321
     * would allow: a path holding them does not read back the same once written between angle brackets (the fuzzer's
     * {@code TO:x@[IPv6:/00::>1]}), and no registered literal uses them.
     */
    private static boolean isAddressLiteral(String domain) {
        if (domain.length() < 3 || !domain.startsWith("[") || !domain.endsWith("]")) {
            return false;
        }
        String literal = domain.substring(1, domain.length() - 1);
        int colon = literal.indexOf(':');
        if (colon < 0) {
            return isIpv4(literal);
        }
        String tag = literal.substring(0, colon);
        String content = literal.substring(colon + 1);
        if (content.isEmpty() || !tag.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?")) {
            return false;
        }
        if (tag.equalsIgnoreCase("IPv6")) {
            return content.indexOf(':') >= 0 && content.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':'
                    || c == '.');
        }
        return content.chars().allMatch(c -> c >= 33 && c <= 126 && c != '[' && c != '\\' && c != ']' && c != '<'
                && c != '>' && c != '"');
    }

    private static boolean isIpv4(String literal) {
        String[] parts = literal.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetterOrDigit(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static int octets(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
