package io.moat.delivery.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.profiles.SmtpTarget;
import io.moat.smtp.api.SmtpEncryption;
import java.util.Arrays;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;

/** {@link SmtpTarget}: what it accepts, how it names the server, and that it keeps the password to itself. */
class OutboundSmtpTargetTest {

    private static final SSLSocketFactory FACTORY = (SSLSocketFactory) SSLSocketFactory.getDefault();

    @Test
    void uriSaysSmtpsOnlyForImplicitTls() {
        assertThat(new SmtpTarget("relay.example.org", 25, SmtpEncryption.NONE, null, false, null, null).uri())
                .isEqualTo("smtp://relay.example.org:25");
        assertThat(new SmtpTarget("relay.example.org", 587, SmtpEncryption.STARTTLS_REQUIRED, FACTORY, true, null, null)
                .uri())
                .isEqualTo("smtp://relay.example.org:587");
        assertThat(
                new SmtpTarget("relay.example.org", 465, SmtpEncryption.IMPLICIT_TLS, FACTORY, true, null, null).uri())
                .isEqualTo("smtps://relay.example.org:465");
        assertThat(new SmtpTarget("::1", 25, SmtpEncryption.NONE, null, false, null, null).uri())
                .isEqualTo("smtp://[::1]:25");
    }

    @Test
    void aSocketFactoryExactlyWhenTlsIsUsed() {
        assertThatThrownBy(() -> new SmtpTarget("h", 25, SmtpEncryption.NONE, FACTORY, false, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NONE");
        for (SmtpEncryption mode : new SmtpEncryption[]{SmtpEncryption.STARTTLS_OPTIONAL,
                SmtpEncryption.STARTTLS_REQUIRED, SmtpEncryption.IMPLICIT_TLS}) {
            assertThatThrownBy(() -> new SmtpTarget("h", 25, mode, null, true, null, null))
                    .as(mode.name())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(mode.name());
        }
    }

    @Test
    void usernameAndPasswordComeTogether() {
        assertThatThrownBy(
                () -> new SmtpTarget("h", 25, SmtpEncryption.STARTTLS_REQUIRED, FACTORY, false, "user", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpTarget("h", 25, SmtpEncryption.STARTTLS_REQUIRED, FACTORY, false, null,
                "pw".toCharArray())).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SmtpTarget("h", 25, SmtpEncryption.STARTTLS_REQUIRED, FACTORY, false, "user", "pw".toCharArray())
                .authenticates()).isTrue();
        assertThat(new SmtpTarget("h", 25, SmtpEncryption.NONE, null, false, null, null).authenticates()).isFalse();
    }

    @Test
    void credentialsGoOnlyWithVerifiedTlsNeverInClearTextOrOpportunistically() {
        assertThatThrownBy(() -> new SmtpTarget("h", 25, SmtpEncryption.NONE, null, false, "user", "pw".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only over verified TLS");
        assertThatThrownBy(() -> new SmtpTarget("h", 25, SmtpEncryption.STARTTLS_OPTIONAL, FACTORY, true, "user",
                "pw".toCharArray())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only over verified TLS");
        assertThat(new SmtpTarget("h", 465, SmtpEncryption.IMPLICIT_TLS, FACTORY, true, "user", "pw".toCharArray())
                .authenticates())
                .isTrue();
    }

    @Test
    void hostAndPortMustMakeSense() {
        assertThatThrownBy(() -> new SmtpTarget(" ", 25, SmtpEncryption.NONE, null, false, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpTarget("h", 0, SmtpEncryption.NONE, null, false, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpTarget("h", 65536, SmtpEncryption.NONE, null, false, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SmtpTarget("h", 25, null, null, false, null, null))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void toStringNeverShowsThePassword() {
        SmtpTarget target = new SmtpTarget("relay.example.org", 587, SmtpEncryption.STARTTLS_REQUIRED, FACTORY, true,
                "moat",
                "hunter2-secret".toCharArray());

        assertThat(target.toString()).contains("smtp://relay.example.org:587", "STARTTLS_REQUIRED", "moat")
                .doesNotContain("hunter2");
    }

    @Test
    void thePasswordIsCopiedInAndOut() {
        char[] password = "hunter2".toCharArray();
        SmtpTarget target = new SmtpTarget("h", 25, SmtpEncryption.STARTTLS_REQUIRED, FACTORY, false, "moat", password);

        Arrays.fill(password, '\0');
        assertThat(target.password()).containsExactly("hunter2".toCharArray());
        Arrays.fill(target.password(), '\0');
        assertThat(target.password()).containsExactly("hunter2".toCharArray());
    }

    @Test
    void equalTargetsHaveEqualPasswords() {
        SmtpTarget target = new SmtpTarget("h", 25, SmtpEncryption.IMPLICIT_TLS, FACTORY, false, "moat",
                "a".toCharArray());

        assertThat(target)
                .isEqualTo(
                        new SmtpTarget("h", 25, SmtpEncryption.IMPLICIT_TLS, FACTORY, false, "moat", "a".toCharArray()))
                .hasSameHashCodeAs(
                        new SmtpTarget("h", 25, SmtpEncryption.IMPLICIT_TLS, FACTORY, false, "moat", "a".toCharArray()))
                .isNotEqualTo(new SmtpTarget("h", 25, SmtpEncryption.IMPLICIT_TLS, FACTORY, false, "moat",
                        "b".toCharArray()));
    }
}
