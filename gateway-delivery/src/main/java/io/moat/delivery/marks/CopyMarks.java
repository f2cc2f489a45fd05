package io.moat.delivery.marks;

import io.moat.mime.Marks;
import io.moat.mime.MessageMarker;
import io.moat.persistence.MessageSpool;
import io.moat.settings.rules.SecurityRule.Disclaimer;
import io.moat.settings.rules.SecurityRule.Mark;
import io.moat.settings.rules.SecurityRule.Outcome;
import io.moat.settings.rules.SecurityRules;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The marks of one decision: the rule's mark for the outcome, its placeholders ({@code {rule}}, {@code {outcome}},
 * {@code {action}}, {@code {verdict}}, {@code {direction}}) filled in, and what a message delivered despite its
 * outcome always carries: a subject tag when the rule delivers it tagged ({@code [SUSPICIOUS]},
 * {@code [ENCRYPTED]}), and for a bypassed scan the tag {@code [UNSCANNED]} and a disclaimer that says it was not
 * scanned, unless the rule gives its own. Deep CDR's changes go on the same copy: parts replaced by Core's sanitized
 * files, and an {@code X-Moat-CDR} field that names them, and those delivered as they came because their
 * sanitization failed (with the tag {@code [NOT SANITIZED]} unless the rule's mark gives one).
 *
 * <p>A placeholder's value may come from the message (a verdict names a file), so it is text wherever it goes: in the
 * HTML of a disclaimer it is escaped here ({@link Marks.Disclaimer#escapeHtml}); in a subject tag or header value the
 * marker cuts the filled text (200 and 900 characters), writes an {@code =?} in it as encoded-words so that it cannot
 * decode into other text, and folds the lines within RFC 5322's limit.
 */
public final class CopyMarks {

    static final String TAG_BLOCKED = "[SUSPICIOUS]";
    static final String TAG_ENCRYPTED = "[ENCRYPTED]";
    static final String TAG_UNSCANNED = "[UNSCANNED]";
    static final String TAG_UNSANITIZED = "[NOT SANITIZED]";
    /** The field that says which parts were sanitized, or delivered unsanitized; the intake strips X-Moat-* of senders. */
    static final String CDR_HEADER = "X-Moat-CDR";
    static final String UNSCANNED_TEXT = "This message was NOT scanned for threats ({verdict}). It was delivered"
            + " unscanned under the security rule '{rule}': treat its links and attachments with care.";

    private CopyMarks() {
    }

    /** A blocked part to cut out of the copy: its entity's byte range in the stored message, and the note instead. */
    public record Cut(long start, long end, String text) {
    }

    /**
     * A part delivered as Core's sanitized copy: its entity's range in the stored message, the file, and the name
     * and content type it gets (null: its own); {@code shownName} names it in the {@code X-Moat-CDR} field.
     */
    public record Swap(long start, long end, Path file, String fileName, String contentType, String shownName) {
    }

    /**
     * What Deep CDR changes in the copy: the parts replaced by sanitized files, and the parts delivered as they came
     * because their sanitization failed (each {@code "<name> (<why>)"}, the rule delivering originals).
     */
    public record Sanitized(List<Swap> swaps, List<String> unsanitized) {

        /** Nothing sanitized, nothing failed. */
        public static final Sanitized NONE = new Sanitized(List.of(), List.of());

        public Sanitized {
            swaps = List.copyOf(swaps);
            unsanitized = List.copyOf(unsanitized);
        }

        /** The {@code X-Moat-CDR} value, or null when there is nothing to say. */
        String header() {
            List<String> said = new ArrayList<>();
            if (!swaps.isEmpty()) {
                said.add("sanitized: " + String.join(", ", swaps.stream().map(Swap::shownName).toList()));
            }
            if (!unsanitized.isEmpty()) {
                said.add("NOT sanitized: " + String.join(", ", unsanitized));
            }
            return said.isEmpty() ? null : String.join("; ", said);
        }
    }

    /** The marks to apply to the copy; empty: it is delivered as it came. */
    public record Plan(Marks marks) {

        public boolean isEmpty() {
            return marks.isEmpty();
        }
    }

    /**
     * The marks of {@code outcome} by {@code rule} with the defaults above; {@code action} is the action's name,
     * {@code verdict} the scan's summary.
     */
    public static Plan plan(SecurityRules.Applied rule, Outcome outcome, String action, String verdict,
            List<Cut> cuts) {
        return plan(rule, outcome, action, verdict, cuts, Sanitized.NONE);
    }

    /** As {@link #plan(SecurityRules.Applied, Outcome, String, String, List)} with Deep CDR's changes. */
    public static Plan plan(SecurityRules.Applied rule, Outcome outcome, String action, String verdict,
            List<Cut> cuts, Sanitized cdr) {
        Mark mark = rule.marks() == null ? null : rule.marks().of(outcome);
        Map<String, String> values = Map.of("{rule}", rule.name(), "{outcome}", outcome.name(), "{action}", action,
                "{verdict}", verdict == null ? "" : verdict, "{direction}", rule.direction().name());
        String tag = mark == null ? null : mark.subjectTag();
        Disclaimer disclaimer = mark == null ? null : mark.disclaimer();
        boolean tagged = "DELIVER_TAGGED".equals(action);
        boolean bypassed = "BYPASS".equals(action);
        if (tag == null && tagged) {
            tag = outcome == Outcome.ENCRYPTED ? TAG_ENCRYPTED : TAG_BLOCKED;
        }
        if (bypassed) {
            tag = tag == null ? TAG_UNSCANNED : tag;
            disclaimer = disclaimer == null
                    ? new Disclaimer(UNSCANNED_TEXT, null, io.moat.settings.rules.SecurityRule.Position.TOP,
                            io.moat.settings.rules.SecurityRule.Style.WARNING)
                    : disclaimer;
        }
        List<Marks.Header> headers = new ArrayList<>();
        if (mark != null) {
            mark.headers().forEach((name, value) -> headers.add(new Marks.Header(name, fill(value, values, false))));
        }
        if (cdr.header() != null) {
            headers.add(new Marks.Header(CDR_HEADER, cdr.header()));
        }
        if (tag == null && !cdr.unsanitized().isEmpty()) {
            tag = TAG_UNSANITIZED;
        }
        Marks.Disclaimer notice = disclaimer == null
                ? null
                : new Marks.Disclaimer(disclaimer.text() == null ? null : fill(disclaimer.text(), values, false),
                        disclaimer.html() == null ? null : fill(disclaimer.html(), values, true),
                        Marks.Disclaimer.Position.valueOf(disclaimer.position().name()),
                        Marks.Disclaimer.Style.valueOf(disclaimer.style().name()));
        List<Marks.Removal> removals = cuts.stream().map(c -> new Marks.Removal(c.start(), c.end(), c.text()))
                .toList();
        List<Marks.Replacement> replacements = cdr.swaps().stream()
                .map(w -> new Marks.Replacement(w.start(), w.end(), w.file(), w.fileName(), w.contentType()))
                .toList();
        return new Plan(new Marks(headers, tag == null ? null : fill(tag, values, false), notice, removals,
                replacements));
    }

    /**
     * Writes the marked copy of the stored message {@code original} into the spool (durably) and returns what was
     * done, in a line for the record.
     *
     * @throws IOException if the message cannot be read as MIME or the copy cannot be written: the claim fails, and
     *             the message is tried again (and set aside if it always fails), never delivered unmarked
     */
    public static String write(Plan plan, Path original, MessageSpool spool, String name) throws IOException {
        AtomicReference<MessageMarker.Result> result = new AtomicReference<>();
        spool.storeMarked(name, out -> result.set(MessageMarker.mark(original, plan.marks(), out)));
        return result.get().summary();
    }

    /** Fills in the placeholders; in HTML, the values are escaped. */
    private static String fill(String template, Map<String, String> values, boolean html) {
        String filled = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            filled = filled.replace(v.getKey(), html ? Marks.Disclaimer.escapeHtml(v.getValue()) : v.getValue());
        }
        return filled;
    }
}
