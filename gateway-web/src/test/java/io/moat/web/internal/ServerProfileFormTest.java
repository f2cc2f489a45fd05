package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfile.Server;
import io.moat.settings.profiles.ServerProfile.Strategy;
import io.moat.settings.profiles.ServerProfile.Tls;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfile.Webhook;
import io.moat.web.internal.ServerProfileForm.ServerRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerProfileFormTest {

    private static final ServerProfile SMTP = new ServerProfile("id-1", "partners", Type.SMTP, Strategy.ROUND_ROBIN,
            false, List.of("partner.example", ".sub.example"), List.of(new Server("smtp://mx1.internal:25",
                    "STARTTLS_REQUIRED", List.of("TLSv1.3"), false, "relay", null, true, "cert-1"),
                    new Server("smtps://mx2.internal:465", null, List.of("TLSv1.2", "TLSv1.3"), true, null, null,
                            false, null)),
            null, false, null, null, null, null);

    private static final ServerProfile CORE = new ServerProfile("id-2", "core", Type.CORE, Strategy.FAILOVER, true,
            List.of(), List.of(new Server("https://core:8008", null, List.of("TLSv1.2", "TLSv1.3"), true, null, null,
                    false, null)),
            null, true, "strict", 45, 300, null);

    @Test
    void aStoredProfileComesBackUnchanged() {
        ServerProfile back = ServerProfileForm.of(SMTP).toProfile();
        assertThat(back.id()).isEqualTo("id-1");
        assertThat(back.name()).isEqualTo("partners");
        assertThat(back.type()).isEqualTo(Type.SMTP);
        assertThat(back.strategy()).isEqualTo(Strategy.ROUND_ROBIN);
        assertThat(back.defaultProfile()).isFalse();
        assertThat(back.recipientDomains()).containsExactly("partner.example", ".sub.example");
        assertThat(back.servers()).containsExactly(
                new Server("smtp://mx1.internal:25", "STARTTLS_REQUIRED", List.of("TLSv1.3"), false, "relay", null,
                        false, "cert-1"),
                new Server("smtps://mx2.internal:465", null, List.of("TLSv1.2", "TLSv1.3"), true, null, null, false,
                        null));
        assertThat(back.apikey()).isNull();
        assertThat(back.rule()).isNull();
        assertThat(back.timeoutSeconds()).isNull();
    }

    @Test
    void anEmptyPasswordKeepsTheStoredOneAndATypedOneIsSentOnce() {
        ServerProfileForm form = ServerProfileForm.of(SMTP);
        ServerRow row = form.getServers().get(0);
        assertThat(row.isPasswordSet()).isTrue();
        row.setPassword(null);
        assertThat(form.toProfile().servers().get(0).password()).isNull(); // null: the service keeps the stored one

        row.setPassword("s3cret");
        row.setPassword(""); // the page never shows it again: an empty field does not forget what was typed
        assertThat(row.getPassword()).isNull();
        assertThat(row.isPasswordTyped()).isTrue();
        assertThat(form.toProfile().servers().get(0).password()).isEqualTo("s3cret");
    }

    @Test
    void coreProfileKeepsOrRemovesTheApiKey() {
        ServerProfileForm form = ServerProfileForm.of(CORE);
        assertThat(form.isApikeySet()).isTrue();
        ServerProfile kept = form.toProfile();
        assertThat(kept.apikey()).isNull();
        assertThat(kept.rule()).isEqualTo("strict");
        assertThat(kept.timeoutSeconds()).isEqualTo(45);
        assertThat(kept.defaultProfile()).isTrue();

        form.setApikey("new-key");
        assertThat(form.getApikey()).isNull();
        assertThat(form.toProfile().apikey()).isEqualTo("new-key");

        form.setRemoveApikey(true);
        assertThat(form.toProfile().apikey()).isEmpty(); // "" removes the stored key
    }

    @Test
    void onlyTheFieldsOfTheChosenTypeAreSent() {
        ServerProfileForm form = ServerProfileForm.blank(Type.SMTP);
        form.setName("scan");
        form.setRecipientDomains("example.org");
        ServerRow row = form.getServers().get(0);
        row.setUri(" https://core2:8008 ");
        row.setEncryption("STARTTLS_REQUIRED");
        row.setUsername("relay");
        row.setPassword("pw");
        row.setClientCertificateId("cert-1");
        form.setType(Type.CORE);
        form.setApikey("k");
        form.setTimeoutSeconds(" 20 ");

        ServerProfile core = form.toProfile();
        assertThat(core.id()).isNull();
        assertThat(core.type()).isEqualTo(Type.CORE);
        assertThat(core.recipientDomains()).isEmpty();
        assertThat(core.servers()).containsExactly(new Server("https://core2:8008", null, List.of(), true, null, null,
                false, null));
        assertThat(core.apikey()).isEqualTo("k");
        assertThat(core.timeoutSeconds()).isEqualTo(20);

        form.setType(Type.SMTP);
        form.setRule("strict");
        ServerProfile smtp = form.toProfile();
        assertThat(smtp.apikey()).isNull();
        assertThat(smtp.rule()).isNull();
        assertThat(smtp.timeoutSeconds()).isNull();
        assertThat(smtp.servers().get(0).username()).isEqualTo("relay");
        assertThat(smtp.servers().get(0).password()).isEqualTo("pw");
    }

    @Test
    void aNumberFieldThatIsNoNumberIsNamed() {
        ServerProfileForm form = ServerProfileForm.of(CORE);
        assertThat(form.getTimeoutSeconds()).isEqualTo("45");
        form.setTimeoutSeconds("");
        assertThat(form.notWholeNumber()).isNull();
        assertThat(form.toProfile().timeoutSeconds()).isNull(); // the service's default
        form.setTimeoutSeconds("4x");
        assertThat(form.notWholeNumber()).isEqualTo("profile-timeout");
        form.setTimeoutSeconds("45");
        form.setMaxInFlight("many");
        assertThat(form.notWholeNumber()).isEqualTo("profile-timeout");
        form.setMaxInFlight(" 300 ");
        form.getWebhook().setPort("80 89");
        assertThat(form.notWholeNumber()).isEqualTo("webhook-port");
        assertThat(form.getWebhook().typedPort()).isNull();
        form.getWebhook().setPort("8089");
        assertThat(form.getWebhook().typedPort()).isEqualTo(8089);
        form.getWebhook().setFallbackPollSeconds("1m");
        assertThat(form.notWholeNumber()).isEqualTo("webhook-poll");
        form.getWebhook().setFallbackPollSeconds("60");
        assertThat(form.notWholeNumber()).isNull();
        // an SMTP profile has no number fields
        ServerProfileForm smtp = ServerProfileForm.of(SMTP);
        smtp.setTimeoutSeconds("x");
        assertThat(smtp.notWholeNumber()).isNull();
    }

    @Test
    void theWebhookAsGivenComesBackUnchangedSoThatDefaultsStayDefaults() {
        Webhook defaults = new Webhook(true, null, null, null, new Tls(false, null, List.of()), null);
        assertThat(ServerProfileForm.of(CORE, defaults).toProfile().webhook()).isEqualTo(defaults);

        Webhook given = new Webhook(false, "127.0.0.1", 9443, "https://gw.example.org:9443",
                new Tls(true, "cert-1", List.of("TLSv1.3")), 30);
        ServerProfileForm form = ServerProfileForm.of(CORE, given);
        assertThat(form.getWebhook().getPort()).isEqualTo("9443");
        assertThat(form.getWebhook().getFallbackPollSeconds()).isEqualTo("30");
        assertThat(form.toProfile().webhook()).isEqualTo(given);
    }

    @Test
    void webhookFieldsAsTypedBecomeTheSettingsAndEmptyOnesTheirDefaults() {
        ServerProfileForm form = ServerProfileForm.of(CORE); // none given: callbacks off
        assertThat(form.getWebhook().isEnabled()).isFalse();
        ServerProfileForm.WebhookFields webhook = form.getWebhook();
        webhook.setEnabled(true);
        webhook.setBindAddress(" ");
        webhook.setPort(" 8443 ");
        webhook.setPublicUrl(" https://moat.example.org:8443 ");
        webhook.setTlsEnabled(true);
        webhook.getTls().setCertificateId("cert-1");
        webhook.getTls().setProtocols(List.of("TLSv1.3"));
        webhook.setFallbackPollSeconds("");
        assertThat(form.toProfile().webhook()).isEqualTo(new Webhook(true, null, 8443,
                "https://moat.example.org:8443", new Tls(true, "cert-1", List.of("TLSv1.3")), null));

        // TLS off: what was chosen for it is not sent
        webhook.setTlsEnabled(false);
        assertThat(form.toProfile().webhook().tls()).isEqualTo(new Tls(false, null, List.of()));
        // an SMTP profile has no webhook: null, as the REST API's left-out field
        form.setType(Type.SMTP);
        assertThat(form.toProfile().webhook()).isNull();
    }

    @Test
    void aRefusalNamingAWebhookFieldIsShownAtItsInput() {
        assertThat(ServerProfileForm.inputOf("webhook.port must be 1..65535, was 0")).isEqualTo("webhook-port");
        assertThat(ServerProfileForm.inputOf("webhook.publicUrl 'x' is not an http(s) URL with a host"))
                .isEqualTo("webhook-public-url");
        assertThat(ServerProfileForm.inputOf("webhook.bindAddress 'x' is not an IP address"))
                .isEqualTo("webhook-bind-address");
        assertThat(ServerProfileForm.inputOf("webhook.tls.certificateId is missing: choose"))
                .isEqualTo("webhook-certificate");
        assertThat(ServerProfileForm.inputOf("webhook.tls.certificateId: no certificate with id 'x'"))
                .isEqualTo("webhook-certificate");
        assertThat(ServerProfileForm.inputOf("webhook.tls.protocols: 'SSLv3' is not")).isEqualTo("webhook-protocols");
        assertThat(ServerProfileForm.inputOf("webhook.fallbackPollSeconds must be 5..3600, was 1"))
                .isEqualTo("webhook-poll");
        assertThat(ServerProfileForm.inputOf("webhook.other thing")).isNull();
        assertThat(ServerProfileForm.inputOf("timeoutSeconds must be 1..600")).isNull();
        assertThat(ServerProfileForm.inputOf(null)).isNull();
    }

    @Test
    void blankSelectionsAndFieldsAreLeftOut() {
        ServerProfileForm form = ServerProfileForm.blank(Type.SMTP);
        ServerRow row = form.getServers().get(0);
        row.setUri("smtp://mx:25");
        row.setEncryption("");
        row.setUsername("  ");
        row.setClientCertificateId("");
        row.setProtocols(null);
        Server server = form.toProfile().servers().get(0);
        assertThat(server).isEqualTo(new Server("smtp://mx:25", null, List.of(), true, null, null, false, null));
    }

    @Test
    void serverRowsAreAddedAndRemoved() {
        ServerProfileForm form = ServerProfileForm.of(SMTP);
        form.addServer();
        assertThat(form.getServers()).hasSize(3);
        form.removeServer(form.getServers().get(0));
        assertThat(form.toProfile().servers()).extracting(Server::uri).containsExactly("smtps://mx2.internal:465",
                null);
    }

    @Test
    void recipientDomainsOnePerLineOrSeparated() {
        assertThat(TextLists.entries("a.example\n .b.example,c.example; d.example\r\n\n"))
                .containsExactly("a.example", ".b.example", "c.example", "d.example");
        assertThat(TextLists.entries("  ")).isEmpty();
        assertThat(TextLists.entries(null)).isEmpty();
        assertThat(String.join("\n", ServerProfileForm.of(SMTP).getRecipientDomains()))
                .isEqualTo("partner.example\n.sub.example");
    }
}
