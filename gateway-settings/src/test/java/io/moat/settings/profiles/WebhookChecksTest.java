package io.moat.settings.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import io.moat.settings.profiles.ServerProfile.Tls;
import io.moat.settings.profiles.ServerProfile.Webhook;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookChecksTest {

    private static final String PUBLIC = "moat.example.org";

    @Test
    void leftOutFieldsTakeTheirDefaultsWhenUsedAndTheUrlFollowsTheTls() {
        StoredWebhook plain = WebhookChecks.checked(new Webhook(true, null, null, null, null, null), null);
        Webhook effective = WebhookChecks.effective(plain, 8089, PUBLIC);
        assertThat(effective.enabled()).isTrue();
        assertThat(effective.port()).isEqualTo(8089);
        assertThat(effective.publicUrl()).isEqualTo("http://moat.example.org:8089");
        assertThat(effective.fallbackPollSeconds()).isEqualTo(60);
        assertThat(effective.tls().enabled()).isFalse();
        assertThat(WebhookChecks.listening(plain, 8089)).isEqualTo(new WebhookListener.Listening(null, 8089, null,
                List.of()));

        StoredWebhook tls = WebhookChecks.checked(new Webhook(true, "0.0.0.0", 9443, null,
                new Tls(true, "digital-id", List.of("TLSv1.3", "TLSv1.3")), 30), null);
        assertThat(WebhookChecks.publicUrl(tls, 8089, PUBLIC)).isEqualTo("https://moat.example.org:9443");
        assertThat(WebhookChecks.listening(tls, 8089)).isEqualTo(new WebhookListener.Listening("0.0.0.0", 9443,
                "digital-id", List.of("TLSv1.3")));
        assertThat(WebhookChecks.fallbackPollDuration(tls)).isEqualTo(Duration.ofSeconds(30));
        // TLS with no versions named: both
        StoredWebhook both = WebhookChecks.checked(new Webhook(true, null, null, null, new Tls(true, "c", null),
                null), null);
        assertThat(WebhookChecks.listening(both, 8089).protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    }

    @Test
    void aGivenPublicUrlIsKeptWithoutItsTrailingSlash() {
        StoredWebhook stored = WebhookChecks.checked(new Webhook(true, null, null,
                "https://gw.example.org:8089/moat/", null, null), null);
        assertThat(WebhookChecks.publicUrl(stored, 8089, PUBLIC)).isEqualTo("https://gw.example.org:8089/moat");
    }

    @Test
    void anOmittedEnabledKeepsWhatWasStored() {
        StoredWebhook on = WebhookChecks.checked(new Webhook(true, null, null, null, null, null), null);
        assertThat(WebhookChecks.checked(new Webhook(null, null, 9000, null, null, null), on).enabled()).isTrue();
        assertThat(WebhookChecks.checked(new Webhook(null, null, 9000, null, null, null), null).enabled()).isFalse();
    }

    @Test
    void storedSettingsReadBackTheSame() {
        StoredWebhook stored = WebhookChecks.checked(new Webhook(true, "::1", 8090, "http://h:8090",
                new Tls(true, "c1", List.of("TLSv1.2")), 120), null);
        assertThat(StoredWebhook.read(stored.write())).isEqualTo(stored);
        assertThat(StoredWebhook.read(null)).isNull();
    }

    @Test
    void theSettingsAsGivenLeaveDefaultsOutAndCheckBackToTheSame() {
        StoredWebhook defaults = WebhookChecks.checked(new Webhook(true, null, null, null, null, null), null);
        Webhook given = WebhookChecks.asGiven(defaults);
        assertThat(given).isEqualTo(new Webhook(true, null, null, null, new Tls(false, null, List.of()), null));
        assertThat(WebhookChecks.checked(given, defaults)).isEqualTo(defaults);

        StoredWebhook all = WebhookChecks.checked(new Webhook(false, "127.0.0.1", 9443, "https://gw.example.org/",
                new Tls(true, "c1", List.of("TLSv1.3")), 30), null);
        given = WebhookChecks.asGiven(all);
        assertThat(given).isEqualTo(new Webhook(false, "127.0.0.1", 9443, "https://gw.example.org",
                new Tls(true, "c1", List.of("TLSv1.3")), 30));
        assertThat(WebhookChecks.checked(given, all)).isEqualTo(all);
    }

    @Test
    void theDefaultUrlIsThePublicHostWithThePortItsSchemeByTheTls() {
        assertThat(WebhookChecks.defaultUrl(false, 8089, PUBLIC)).isEqualTo("http://moat.example.org:8089");
        assertThat(WebhookChecks.defaultUrl(true, 9443, PUBLIC)).isEqualTo("https://moat.example.org:9443");
    }

    @Test
    void badSettingsAreRefusedNamingTheField() {
        assertRefused(new Webhook(true, "example.org", null, null, null, null), "webhook.bindAddress");
        assertRefused(new Webhook(true, "300.1.1.1", null, null, null, null), "webhook.bindAddress");
        assertRefused(new Webhook(true, null, 0, null, null, null), "webhook.port");
        assertRefused(new Webhook(true, null, 65536, null, null, null), "webhook.port");
        assertRefused(new Webhook(true, null, null, "ftp://h", null, null), "webhook.publicUrl");
        assertRefused(new Webhook(true, null, null, "https://h/?token=x", null, null), "webhook.publicUrl");
        assertRefused(new Webhook(true, null, null, "https://user@h/", null, null), "webhook.publicUrl");
        assertRefused(new Webhook(true, null, null, "https://h/" + "a".repeat(200), null, null), "webhook.publicUrl");
        assertRefused(new Webhook(true, null, null, null, new Tls(true, " ", null), null),
                "webhook.tls.certificateId");
        assertRefused(new Webhook(true, null, null, null, new Tls(true, "c", List.of("TLSv1.1")), null),
                "webhook.tls.protocols");
        assertRefused(new Webhook(true, null, null, null, null, 4), "webhook.fallbackPollSeconds");
        assertRefused(new Webhook(true, null, null, null, null, 3601), "webhook.fallbackPollSeconds");
    }

    private static void assertRefused(Webhook webhook, String field) {
        assertThatThrownBy(() -> WebhookChecks.checked(webhook, null)).isInstanceOf(RefusedException.class)
                .hasMessageContaining(field);
    }
}
