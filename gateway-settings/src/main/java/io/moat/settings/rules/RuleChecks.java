package io.moat.settings.rules;

import io.moat.settings.SettingNames;
import io.moat.settings.rules.SecurityRule.Actions;
import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.Cdr;
import io.moat.settings.rules.SecurityRule.CdrFailure;
import io.moat.settings.rules.SecurityRule.Direction;
import io.moat.settings.rules.SecurityRule.Disclaimer;
import io.moat.settings.rules.SecurityRule.Encrypted;
import io.moat.settings.rules.SecurityRule.Filter;
import io.moat.settings.rules.SecurityRule.Mark;
import io.moat.settings.rules.SecurityRule.Marks;
import io.moat.settings.rules.SecurityRule.Position;
import io.moat.settings.rules.SecurityRule.ScanError;
import io.moat.settings.rules.SecurityRule.Style;
import io.moat.smtp.api.Cidr;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

/**
 * What a security rule must be, in plain code: each refusal names the field ({@code filter.previousHops[1]},
 * {@code marks.blocked.headers.X-Foo}) and says what would do. Defaults are filled in here.
 */
final class RuleChecks {

    static final Duration MIN_SCAN_ERROR_AFTER = Duration.ofSeconds(10);
    static final Duration MAX_SCAN_ERROR_AFTER = Duration.ofDays(7);
    static final int MAX_ENTRIES = 1000;
    static final int MAX_TAG = 64;
    static final int MAX_HEADERS = 20;
    static final int MAX_HEADER_VALUE = 900;
    static final int MAX_DISCLAIMER = 64 * 1024;
    static final int MAX_CORE_RULE = 200;
    /** RFC 5322 3.6.8: a field name is printable ASCII without the colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]{1,76}");
    /** Fields that make the message what it is: a mark may not add a second one. */
    private static final Set<String> STRUCTURAL = Set.of("subject", "from", "to", "cc", "bcc", "date", "sender",
            "reply-to", "message-id", "mime-version", "received", "return-path", "dkim-signature", "x-moat-scan");

    private RuleChecks() {
    }

    static String name(String name) {
        if (name == null || !SettingNames.isName(name.strip())) {
            throw SettingNames.invalid("name: '" + name + "' must be 1-64 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit");
        }
        return name.strip();
    }

    static Filter filter(Filter in) {
        Filter f = in == null ? new Filter(null, null, null, null, null) : in;
        List<String> endpoints = bounded(f.endpoints(), "filter.endpoints");
        for (int i = 0; i < endpoints.size(); i++) {
            String endpoint = endpoints.get(i) == null ? "" : endpoints.get(i).strip();
            if (!SettingNames.isName(endpoint)) {
                throw SettingNames.invalid("filter.endpoints[" + i + "]: '" + endpoints.get(i) + "' is not an"
                        + " endpoint name");
            }
        }
        List<String> hops = bounded(f.previousHops(), "filter.previousHops");
        List<String> checkedHops = IntStream.range(0, hops.size()).mapToObj(i -> {
            String hop = hops.get(i) == null ? "" : hops.get(i).strip();
            try {
                Cidr.parse(hop);
                return hop;
            } catch (IllegalArgumentException e) {
                throw SettingNames.invalid("filter.previousHops[" + i + "]: '" + hops.get(i) + "' is not an IP"
                        + " address or a network in CIDR notation (192.0.2.0/24, 2001:db8::/32)");
            }
        }).toList();
        return new Filter(endpoints.stream().map(String::strip).toList(), checkedHops,
                AddressPatterns.check(bounded(f.senders(), "filter.senders"), "filter.senders"),
                AddressPatterns.check(bounded(f.recipients(), "filter.recipients"), "filter.recipients"),
                f.direction() == null ? Direction.INBOUND : f.direction());
    }

    private static List<String> bounded(List<String> entries, String field) {
        if (entries.size() > MAX_ENTRIES) {
            throw SettingNames.invalid(field + ": at most " + MAX_ENTRIES + " entries, not " + entries.size());
        }
        return entries;
    }

    static String coreRule(String rule) {
        if (rule == null || rule.isBlank()) {
            return null;
        }
        String r = rule.strip();
        if (r.length() > MAX_CORE_RULE || !r.chars().allMatch(c -> c >= 32 && c != 127)) {
            throw SettingNames.invalid("coreRule: at most " + MAX_CORE_RULE + " characters on one line");
        }
        return r;
    }

    static Actions actions(Actions in) {
        Actions a = in == null ? new Actions(null, null, null) : in;
        return new Actions(a.blocked() == null ? Blocked.QUARANTINE : a.blocked(),
                a.encrypted() == null ? Encrypted.QUARANTINE : a.encrypted(),
                a.scanError() == null ? ScanError.RETRY : a.scanError());
    }

    static String scanErrorAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration d;
        try {
            d = Duration.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw SettingNames.invalid("scanErrorAfter: '" + value + "' is not an ISO-8601 duration (PT10M, PT1H)");
        }
        if (d.compareTo(MIN_SCAN_ERROR_AFTER) < 0 || d.compareTo(MAX_SCAN_ERROR_AFTER) > 0) {
            throw SettingNames.invalid("scanErrorAfter: must be " + MIN_SCAN_ERROR_AFTER + " to "
                    + MAX_SCAN_ERROR_AFTER + ", was " + value);
        }
        return d.toString();
    }

    /**
     * The Deep CDR settings with their defaults: not used, and a failure blocks. An {@code onFailure} without
     * {@code useSanitized} is refused, since it would do nothing and the admin meant something by it.
     */
    static Cdr cdr(Cdr in) {
        if (in == null) {
            return Cdr.OFF;
        }
        if (in.useSanitized() == null && in.onFailure() != null) {
            throw SettingNames.invalid("cdr.useSanitized: say whether sanitized files are used (true or false) when"
                    + " cdr.onFailure is given");
        }
        return new Cdr(in.uses(), in.onFailure() == null ? CdrFailure.BLOCK : in.onFailure());
    }

    static Marks marks(Marks in) {
        if (in == null) {
            return new Marks(null, null, null, null);
        }
        return new Marks(mark(in.allowed(), "marks.allowed"), mark(in.blocked(), "marks.blocked"),
                mark(in.encrypted(), "marks.encrypted"), mark(in.scanError(), "marks.scanError"));
    }

    private static Mark mark(Mark in, String field) {
        if (in == null) {
            return null;
        }
        String tag = in.subjectTag() == null || in.subjectTag().isBlank() ? null : in.subjectTag().strip();
        if (tag != null && (tag.length() > MAX_TAG || !tag.chars().allMatch(c -> c >= 32 && c != 127))) {
            throw SettingNames.invalid(field + ".subjectTag: at most " + MAX_TAG + " characters on one line");
        }
        if (in.headers().size() > MAX_HEADERS) {
            throw SettingNames.invalid(field + ".headers: at most " + MAX_HEADERS + " header fields");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        in.headers().forEach((name, value) -> {
            String n = name == null ? "" : name.strip();
            if (!FIELD_NAME.matcher(n).matches()) {
                throw SettingNames.invalid(field + ".headers: '" + name + "' is not a header field name (printable"
                        + " ASCII without ':' or spaces, at most 76)");
            }
            if (STRUCTURAL.contains(n.toLowerCase(Locale.ROOT)) || n.toLowerCase(Locale.ROOT).startsWith("content-")) {
                throw SettingNames.invalid(field + ".headers." + n + ": the gateway does not add a second " + n
                        + " field (use subjectTag for the subject)");
            }
            String v = value == null ? "" : value.strip();
            if (v.isEmpty() || v.length() > MAX_HEADER_VALUE || !v.chars().allMatch(c -> c >= 32 && c != 127)) {
                throw SettingNames.invalid(field + ".headers." + n + ": the value must be 1-" + MAX_HEADER_VALUE
                        + " characters on one line");
            }
            headers.put(n, v);
        });
        Disclaimer disclaimer = disclaimer(in.disclaimer(), field + ".disclaimer");
        if (tag == null && headers.isEmpty() && disclaimer == null) {
            return null;
        }
        return new Mark(tag, headers, disclaimer);
    }

    private static Disclaimer disclaimer(Disclaimer in, String field) {
        if (in == null) {
            return null;
        }
        String text = in.text() == null || in.text().isBlank() ? null : in.text();
        String html = in.html() == null || in.html().isBlank() ? null : in.html();
        if (text == null && html == null) {
            throw SettingNames.invalid(field + ": give its text, its html, or both");
        }
        if (text != null && text.length() > MAX_DISCLAIMER || html != null && html.length() > MAX_DISCLAIMER) {
            throw SettingNames.invalid(field + ": text and html are at most " + MAX_DISCLAIMER + " characters each");
        }
        return new Disclaimer(text, html, in.position() == null ? Position.BOTTOM : in.position(),
                in.style() == null ? Style.INFO : in.style());
    }
}
