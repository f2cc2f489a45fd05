package io.moat.settings.rules;

import io.moat.settings.SettingNames;
import java.util.List;
import java.util.Locale;

/**
 * A filter's sender or recipient list: {@code user@example.org} (that address), {@code @example.org} (that domain),
 * {@code .example.org} (its subdomains), {@code <>} (the null sender of bounces); {@code !} before an entry excludes
 * what it matches. The list matches an address that some positive entry matches (any address when there is none)
 * and no negative entry does. Compared without regard to case.
 */
final class AddressPatterns {

    private final List<String> include;
    private final List<String> exclude;

    private AddressPatterns(List<String> include, List<String> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    /** The patterns of {@code entries}, as {@link #check} leaves them. */
    static AddressPatterns of(List<String> entries) {
        return new AddressPatterns(entries.stream().filter(e -> !e.startsWith("!")).toList(),
                entries.stream().filter(e -> e.startsWith("!")).map(e -> e.substring(1)).toList());
    }

    boolean matches(String address) {
        String a = address == null ? "" : address.toLowerCase(Locale.ROOT);
        if (exclude.stream().anyMatch(p -> matches(p, a))) {
            return false;
        }
        return include.isEmpty() || include.stream().anyMatch(p -> matches(p, a));
    }

    private static boolean matches(String pattern, String address) {
        if (pattern.equals("<>")) {
            return address.isEmpty();
        }
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (pattern.startsWith("@")) {
            return domain.equals(pattern.substring(1));
        }
        if (pattern.startsWith(".")) {
            return domain.endsWith(pattern);
        }
        return address.equals(pattern);
    }

    /**
     * The entries as stored: stripped, lower case, each one of the forms above; {@code field} names the list in the
     * refusal ({@code filter.senders[2]}).
     */
    static List<String> check(List<String> entries, String field) {
        return java.util.stream.IntStream.range(0, entries.size()).mapToObj(i -> {
            String raw = entries.get(i);
            String entry = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
            String bare = entry.startsWith("!") ? entry.substring(1).strip() : entry;
            boolean valid;
            if (bare.equals("<>")) {
                valid = true;
            } else if (bare.startsWith("@")) {
                valid = SettingNames.isHostName(bare.substring(1));
            } else if (bare.startsWith(".")) {
                valid = SettingNames.isHostName(bare.substring(1));
            } else {
                int at = bare.lastIndexOf('@');
                valid = at > 0 && at < bare.length() - 1 && bare.length() <= 320
                        && SettingNames.isHostName(bare.substring(at + 1))
                        && bare.substring(0, at).chars().allMatch(c -> c > 32 && c < 127);
            }
            if (!valid) {
                throw SettingNames.invalid(field + "[" + i + "]: '" + raw + "' is not an address"
                        + " (user@example.org), a domain (@example.org), its subdomains (.example.org) or <>, with an"
                        + " optional ! before it to exclude");
            }
            return (entry.startsWith("!") ? "!" : "") + bare;
        }).toList();
    }
}
