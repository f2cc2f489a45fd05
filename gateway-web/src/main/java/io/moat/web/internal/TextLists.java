package io.moat.web.internal;

import java.util.Arrays;
import java.util.List;

/**
 * What the console's forms type as text: lists in one text area (domains, networks, address patterns), one entry per
 * line or separated by commas, semicolons or blanks; and single values, where blank means "not given".
 */
public final class TextLists {

    private TextLists() {
    }

    public static List<String> entries(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split("[\\s,;]+")).filter(entry -> !entry.isEmpty()).toList();
    }

    /** A stored list for its text area: one entry per line (null stays null). */
    public static String lines(List<String> entries) {
        return entries == null ? null : String.join("\n", entries);
    }

    /** A typed value without its surrounding blanks; null if nothing but blanks was typed (the service's default). */
    public static String stripped(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
