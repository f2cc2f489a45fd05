package io.moat.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class GeneralSettingsServiceTest {

    @Test
    void schemeFollowsTheConsoleTlsHostPortAndPathAreKept() {
        URI stored = GeneralSettingsService.parse("https://mail.example.com:8443/moat");
        assertThat(GeneralSettingsService.withScheme(stored, false)).hasToString("http://mail.example.com:8443/moat");
        assertThat(GeneralSettingsService.withScheme(stored, true)).hasToString("https://mail.example.com:8443/moat");
        assertThat(GeneralSettingsService.withScheme(GeneralSettingsService.parse("http://mx.example.com/"), true))
                .hasToString("https://mx.example.com");
        assertThat(GeneralSettingsService.withScheme(GeneralSettingsService.parse("http://[2001:db8::1]:8080"), true))
                .hasToString("https://[2001:db8::1]:8080");
    }

    @Test
    void onlyHttpUrlsWithAHostAndNothingElseAreAccepted() {
        assertThatThrownBy(() -> GeneralSettingsService.parse("ftp://mail.example.com"))
                .isInstanceOf(RefusedException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> GeneralSettingsService.parse("mail.example.com"))
                .isInstanceOf(RefusedException.class).hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> GeneralSettingsService.parse("https://user@mail.example.com"))
                .isInstanceOf(RefusedException.class).hasMessageContaining("no user, query or fragment");
        assertThatThrownBy(() -> GeneralSettingsService.parse("https://mail.example.com/?a=b"))
                .isInstanceOf(RefusedException.class).hasMessageContaining("no user, query or fragment");
        assertThatThrownBy(() -> GeneralSettingsService.parse("https://mail example.com"))
                .isInstanceOf(RefusedException.class).hasMessageContaining("is not a URL");
        assertThatThrownBy(() -> GeneralSettingsService.parse(" "))
                .isInstanceOf(RefusedException.class).hasMessageContaining("missing");
        assertThat(((RefusedException) org.assertj.core.api.Assertions
                .catchThrowable(() -> GeneralSettingsService.parse("x"))).reason())
                .isEqualTo(RefusedException.Reason.INVALID);
    }
}
