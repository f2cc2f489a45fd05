package io.moat.delivery.pipeline;

import io.moat.core.CoreClient.Converted;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Core's sanitized copies as a test scripts them, for a fake {@code CoreClient.fetchSanitized}: by data id; an id
 * without one is a 404, a copy over the cap too large; every id asked for is noted.
 */
final class ScriptedCopies {

    final Map<String, byte[]> copies = new HashMap<>();
    final List<String> asked = new ArrayList<>();

    Converted fetch(String dataId, Path target, long maxBytes) {
        asked.add(dataId);
        byte[] copy = copies.get(dataId);
        if (copy == null) {
            return Converted.NOT_FOUND;
        }
        if (copy.length > maxBytes) {
            return Converted.TOO_LARGE;
        }
        try {
            Files.write(target, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Converted.WRITTEN;
    }
}
