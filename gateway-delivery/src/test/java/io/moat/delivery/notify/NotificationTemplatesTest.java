package io.moat.delivery.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.notifications.NotificationSettings.Template;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTemplatesTest {

    private static final Template TEMPLATE = new Template("Held: {subject} from {sender}",
            "From {sender}: {subject}\nWhy: {reason}\n\nOpen {link}\nvalid until {expiry}\n\nRef {id}\n",
            "<p title=\"{subject}\">{subject}</p><a href=\"{link}\">enter the password</a>\n<p>{attachments}</p>");

    @Test
    void placeholdersTakeTheirValues() {
        NotificationTemplates.Rendered r = NotificationTemplates.render(TEMPLATE, values("Invoice", "a@b.test",
                "https://gw.test/rescan/t0k3n"));
        assertThat(r.subject()).isEqualTo("Held: Invoice from a@b.test");
        assertThat(r.text()).contains("From a@b.test: Invoice").contains("Open https://gw.test/rescan/t0k3n")
                .contains("valid until 2026-12-08 10:00 UTC").contains("Ref m-1");
        assertThat(r.html()).contains("<a href=\"https://gw.test/rescan/t0k3n\">");
    }

    @Test
    void withoutALinkTheLinesNamingTheLinkOrItsExpiryAreLeftOutAndNoGapTwice() {
        NotificationTemplates.Rendered r = NotificationTemplates.render(TEMPLATE, values("Invoice", "a@b.test", ""));
        assertThat(r.text()).isEqualTo("From a@b.test: Invoice\nWhy: blocked: x.zip (Infected)\n\nRef m-1\n");
        assertThat(r.text()).doesNotContain("Open").doesNotContain("valid until");
        assertThat(r.html()).doesNotContain("href").contains("<p>x.zip</p>");
    }

    @Test
    void aSubjectCannotInjectMarkupIntoTheHtmlPartNorBreakOutOfAnAttribute() {
        String hostile = "\"><script>alert(1)</script><img src=x onerror='y'>&amp;";
        NotificationTemplates.Rendered r = NotificationTemplates.render(TEMPLATE, values(hostile, "a@b.test",
                "https://gw.test/r"));
        assertThat(r.html()).doesNotContain("<script").doesNotContain("<img").doesNotContain("\"><")
                .contains("title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#39;y&#39;&gt;"
                        + "&amp;amp;\"");
        // the text part is plain text: the value as it is, which no reader renders
        assertThat(r.text()).contains(hostile);
    }

    @Test
    void aValueCannotAddAHeaderFieldOrALineOfItsOwn() {
        String subject = "Invoice\r\nBcc: victim@example.org\r\n\r\nClick http://evil.test\u2028now\u0085!";
        NotificationTemplates.Rendered r = NotificationTemplates.render(TEMPLATE, values(subject, "a@b.test\nX: y",
                ""));
        assertThat(r.subject()).doesNotContain("\r").doesNotContain("\n")
                .isEqualTo("Held: Invoice Bcc: victim@example.org Click http://evil.test now ! from a@b.test X: y");
        assertThat(r.text().lines().filter(l -> l.startsWith("Bcc:") || l.startsWith("Click"))).isEmpty();
        assertThat(r.text()).startsWith("From a@b.test X: y: Invoice  Bcc: victim@example.org    Click");
    }

    @Test
    void longValuesAndSubjectsAreCutAndCuttingTwiceChangesNothing() {
        String longSubject = "\uD83D\uDE00".repeat(400);
        String safe = NotificationTemplates.safe(longSubject);
        assertThat(safe.length()).isLessThanOrEqualTo(NotificationTemplates.MAX_VALUE);
        assertThat(safe).endsWith("...");
        assertThat(Character.isHighSurrogate(safe.charAt(safe.length() - 4))).isFalse();
        assertThat(NotificationTemplates.safe(safe)).isEqualTo(safe);
        NotificationTemplates.Rendered r = NotificationTemplates.render(TEMPLATE, values("x".repeat(2000), "a@b.test",
                ""));
        assertThat(r.subject().length()).isLessThanOrEqualTo(NotificationTemplates.MAX_SUBJECT);
    }

    @Test
    void anUnknownPlaceholderIsLeftAsItStandsAndCssBracesAreNoPlaceholders() {
        NotificationTemplates.Rendered r = NotificationTemplates.render(new Template("{subject}",
                "{password} {subject}", "<style>p { color: red }</style>{subject}"), values("Hi", "a@b.test", ""));
        assertThat(r.text()).isEqualTo("{password} Hi");
        assertThat(r.html()).isEqualTo("<style>p { color: red }</style>Hi");
    }

    private static Map<String, String> values(String subject, String sender, String link) {
        Map<String, String> values = new HashMap<>();
        values.put("subject", subject);
        values.put("sender", sender);
        values.put("reason", "blocked: x.zip (Infected)");
        values.put("id", "m-1");
        values.put("attachments", "x.zip");
        values.put("link", link);
        values.put("expiry", link.isEmpty() ? "" : "2026-12-08 10:00 UTC");
        return values;
    }
}
