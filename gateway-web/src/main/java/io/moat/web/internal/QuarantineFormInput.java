package io.moat.web.internal;

import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.smtp.api.Mailboxes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the console's quarantine pages post: the messages ticked in the list, the passwords typed for encrypted
 * attachments and the recipients ticked for a release. The first two come as plain request parameters, not as Faces
 * fields: the ids acted on are exactly those the admin ticked (the list may have changed since it was shown), and a
 * password never becomes a bean's field or part of the view's saved state, so no later page can show it again.
 */
public final class QuarantineFormInput {

    /** At most this many messages in one bulk action, as {@code POST /api/v1/quarantine/bulk} takes. */
    public static final int MAX_SELECTED = 500;

    private QuarantineFormInput() {
    }

    /** The ticked message ids, each once, in the order of the page; INVALID if none or too many. */
    public static List<String> selected(String[] ticked) {
        Set<String> ids = new LinkedHashSet<>();
        if (ticked != null) {
            for (String id : ticked) {
                if (id != null && !id.isBlank()) {
                    ids.add(id.strip());
                }
            }
        }
        if (ids.isEmpty()) {
            throw new RefusedException(Reason.INVALID, "Tick at least one message first.");
        }
        if (ids.size() > MAX_SELECTED) {
            throw new RefusedException(Reason.INVALID, "Tick at most " + MAX_SELECTED + " messages at once ("
                    + ids.size() + " ticked).");
        }
        return List.copyOf(ids);
    }

    /**
     * The passwords typed, by attachment file name: {@code files[i]} is the name the page put beside the password
     * field {@code passwords[i]}. A field left empty gives no password. INVALID if the two lists do not pair up
     * (not the page's form) or a name comes twice.
     */
    public static Map<String, char[]> passwords(String[] files, String[] passwords) {
        Map<String, char[]> given = new LinkedHashMap<>();
        if (files == null && passwords == null) {
            return given;
        }
        if (files == null || passwords == null || files.length != passwords.length) {
            throw new RefusedException(Reason.INVALID, "passwords: the form came incomplete; reload the page and"
                    + " type the passwords again");
        }
        for (int i = 0; i < files.length; i++) {
            if (passwords[i] == null || passwords[i].isEmpty()) {
                continue;
            }
            if (given.containsKey(files[i])) {
                given.values().forEach(p -> Arrays.fill(p, '\0'));
                throw new RefusedException(Reason.INVALID, "passwords: '" + files[i] + "' is named twice");
            }
            given.put(files[i], passwords[i].toCharArray());
        }
        return given;
    }

    /**
     * The recipients a release goes to: null when every held recipient is ticked (the message itself is released),
     * else those ticked (a copy goes to them). INVALID if none is ticked.
     */
    public static List<String> releaseTo(List<String> ticked, List<String> held) {
        if (ticked == null || ticked.isEmpty()) {
            throw new RefusedException(Reason.INVALID, "recipients: tick at least one recipient to release to");
        }
        boolean all = held.stream().allMatch(r -> ticked.stream().anyMatch(t -> Mailboxes.same(r, t)));
        return all ? null : List.copyOf(ticked);
    }
}
