package io.moat.settings.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredNotificationsTest {

    @Test
    void theStoredFormReadsBackAsItWasWrittenAndLeavesOutWhatIsNotSet() {
        StoredNotifications stored = new StoredNotifications(null, true, false, List.of("sec@example.org"),
                List.of(AdminOutcome.BLOCKED, AdminOutcome.PROCESSING_FAILED), 15, "profile-1",
                new Templates(new Template("Held: {subject}", null, null), null, null));
        String json = stored.write();
        assertThat(json).doesNotContain("\"from\"").doesNotContain("\"sender\":null").contains("\"PROCESSING_FAILED\"");
        assertThat(StoredNotifications.read(json)).isEqualTo(stored);
        assertThat(StoredNotifications.read("{}").recipient()).isNull();
    }
}
