package io.moat.delivery.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.notifications.NotificationSettings;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DigestsTest {

    @Test
    void aDigestListsEachEventInTheAdminTemplateUnderOneSubject() {
        Template admin = new Template("unused: {subject}", "Ref {id}: {subject}\nOpen {link}\n",
                "<p>{id}: {subject}</p>");
        NotificationSettings s = new NotificationSettings("postmaster@gw.test", true, false, List.of("sec@gw.test"),
                List.of(AdminOutcome.BLOCKED), 1, null, new Templates(admin, admin, admin));
        Instant since = Instant.parse("2026-12-07T10:00:00Z");
        List<Values> events = List.of(
                new Values("m-1", "a@x.test", "b@y.test", "Invoice", "blocked", "default", since, "x.com", "", null),
                new Values("m-2", "c@x.test", "d@y.test", "<b>Offer</b>", "blocked", "default", since, "y.com", "",
                        null));

        NotificationTemplates.Rendered digest = Digests.digest(s, events, since);

        assertThat(digest.subject()).isEqualTo("[Moat] 2 messages not delivered since 2026-12-07 10:00 UTC");
        assertThat(digest.text()).contains("Ref m-1: Invoice").contains("Ref m-2: <b>Offer</b>")
                .doesNotContain("Open");
        assertThat(digest.text().indexOf("m-1")).isLessThan(digest.text().indexOf("m-2"));
        assertThat(digest.html()).contains("<p>m-1: Invoice</p>").contains("<p>m-2: &lt;b&gt;Offer&lt;/b&gt;</p>")
                .contains("<hr>");
    }
}
