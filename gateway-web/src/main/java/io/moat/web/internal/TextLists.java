package io.moat.web.internal;

import java.util.Arrays;
import java.util.List;

/** Lists typed into one text area (domains, networks): one entry per line, or separated by commas, semicolons or blanks. */
public final class TextLists {

    private TextLists() {
    }

    public static List<String> entries(String text) {
        if (text == null) {
            return List.of();
        }
        return Arrays.stream(text.split("[\\s,;]+")).filter(entry -> !entry.isEmpty()).toList();
    }
}
