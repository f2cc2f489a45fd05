package io.moat.settings.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.profiles.ServerProfile.Server;
import io.moat.settings.profiles.ServerProfile.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileRulesTest {

    private static Server server(String uri, String encryption) {
        return new Server(uri, encryption, List.of(), null, null, null, false, null);
    }

    private static Server login(String uri, String encryption, String username, String password) {
        return new Server(uri, encryption, List.of(), null, username, password, false, null);
    }

    private static void refused(Runnable check, String words) {
        assertThatThrownBy(check::run).isInstanceOfSatisfying(RefusedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.INVALID)).hasMessageContaining(words);
    }

    @Test
    void anSmtpServerWithoutEncryptionGetsOptionalStarttlsAndTheDefaultVersions() {
        ProfileRules.CheckedServer checked = ProfileRules.server(Type.SMTP, server(" smtp://mx.internal:25 ", null));

        assertThat(checked.uri()).isEqualTo("smtp://mx.internal:25");
        assertThat(checked.encryption()).isEqualTo("STARTTLS_OPTIONAL");
        assertThat(checked.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(checked.verifyHostname()).isTrue();
    }

    @Test
    void theUriKeepsSchemeHostPortAndPathOnly() {
        assertThat(ProfileRules.server(Type.CORE, server("HTTPS://core.internal:8008/base?x=1#f", null)).uri())
                .isEqualTo("https://core.internal:8008/base");
    }

    @Test
    void smtpsIsImplicitTlsAndTakesNoOtherEncryption() {
        assertThat(ProfileRules.server(Type.SMTP, server("smtps://mx:465", "implicit_tls")).encryption()).isNull();
        refused(() -> ProfileRules.server(Type.SMTP, server("smtps://mx:465", "STARTTLS_REQUIRED")),
                "smtps:// is implicit TLS; leave encryption out");
    }

    @Test
    void anUnknownEncryptionIsRefusedWithTheChoices() {
        refused(() -> ProfileRules.server(Type.SMTP, server("smtp://mx:25", "maybe")),
                "encryption 'maybe' is not one of [NONE, STARTTLS_OPTIONAL, STARTTLS_REQUIRED]");
    }

    @Test
    void aServerOfTheWrongSchemeOrWithoutHostIsRefusedWithAnExample() {
        refused(() -> ProfileRules.server(Type.SMTP, server("https://mx:25", null)),
                "an SMTP server is smtp://host:port or smtps://host:port");
        refused(() -> ProfileRules.server(Type.CORE, server("smtp://core:8008", null)),
                "a Core server is http(s)://host:port");
        refused(() -> ProfileRules.server(Type.SMTP, server("mx.internal", null)), "has no host; e.g. smtp://");
        refused(() -> ProfileRules.server(Type.SMTP, server("smtp://mx:25 x", null)), "is not a URI");
    }

    @Test
    void aCoreServerHasOnlyUriAndProtocols() {
        refused(() -> ProfileRules.server(Type.CORE, login("https://core:8008", null, "user", "pw")),
                "a Core server has only uri and protocols");
    }

    @Test
    void credentialsNeverGoInClearText() {
        refused(() -> ProfileRules.server(Type.SMTP, login("smtp://mx:25", "NONE", "relay", "pw")),
                "has encryption NONE and the username 'relay'");
        assertThat(ProfileRules.server(Type.SMTP, login("smtp://mx:587", "STARTTLS_REQUIRED", "relay", "pw"))
                .username()).isEqualTo("relay");
    }

    @Test
    void aPasswordWithoutAUsernameIsRefusedAndAPasswordNeverComesBack() {
        refused(() -> ProfileRules.server(Type.SMTP, login("smtp://mx:587", "STARTTLS_REQUIRED", " ", "pw")),
                "a password for smtp://mx:587 needs a username");
        assertThat(ProfileRules.server(Type.SMTP, login("smtp://mx:587", "STARTTLS_REQUIRED", "relay", "secret"))
                .toString()).doesNotContain("secret");
    }

    @Test
    void tlsVersionsAreValidated() {
        Server sslv3 = new Server("smtp://mx:25", null, List.of("SSLv3"), null, null, null, false, null);

        assertThatThrownBy(() -> ProfileRules.server(Type.SMTP, sslv3)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("SSLv3");
    }

    @Test
    void aProfileNameIsShortAndPlain() {
        assertThat(ProfileRules.name("  downstream-1 ")).isEqualTo("downstream-1");
        refused(() -> ProfileRules.name("-lead"), "must be 1-64 letters, digits");
        refused(() -> ProfileRules.name("a".repeat(65)), "must be 1-64 letters, digits");
        refused(() -> ProfileRules.name(null), "name ''");
    }

    @Test
    void recipientDomainsAreCleanedAndOnlySmtpProfilesRouteThem() {
        assertThat(ProfileRules.recipientDomains(Type.SMTP, List.of(" Example.ORG ", "", ".sub.example.org")))
                .containsExactly("example.org", ".sub.example.org");
        refused(() -> ProfileRules.recipientDomains(Type.SMTP, List.of("exa mple.org")),
                "recipient domain 'exa mple.org' is not a domain name");
        refused(() -> ProfileRules.recipientDomains(Type.CORE, List.of("example.org")),
                "a Core profile has none");
    }
}
