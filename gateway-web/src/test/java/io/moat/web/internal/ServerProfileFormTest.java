package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfile.Server;
import io.moat.settings.profiles.ServerProfile.Strategy;
import io.moat.settings.profiles.ServerProfile.Type;
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
    void aTimeoutThatIsNoNumberIsToldApart() {
        ServerProfileForm form = ServerProfileForm.of(CORE);
        assertThat(form.getTimeoutSeconds()).isEqualTo("45");
        form.setTimeoutSeconds("");
        assertThat(form.isTimeoutNumber()).isTrue();
        assertThat(form.toProfile().timeoutSeconds()).isNull(); // the service's default
        form.setTimeoutSeconds("4x");
        assertThat(form.isTimeoutNumber()).isFalse();
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
