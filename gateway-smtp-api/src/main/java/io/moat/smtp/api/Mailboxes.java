package io.moat.smtp.api;

import java.util.Locale;

/** Comparing mailboxes as SMTP does (RFC 5321 §2.4): the local part exactly, the domain in any case. */
public final class Mailboxes {

    private Mailboxes() {
    }

    /** Whether {@code a} and {@code b} name the same mailbox: {@code Alice@X.org} and {@code Alice@x.org}, not {@code alice@x.org}. */
    public static boolean same(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        int at = a.lastIndexOf('@');
        int bt = b.lastIndexOf('@');
        if (at < 0 || bt < 0) {
            return a.equals(b);
        }
        return a.substring(0, at).equals(b.substring(0, bt))
                && a.substring(at + 1).toLowerCase(Locale.ROOT).equals(b.substring(bt + 1).toLowerCase(Locale.ROOT));
    }
}
