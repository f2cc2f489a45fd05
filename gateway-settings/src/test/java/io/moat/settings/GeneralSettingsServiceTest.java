package io.moat.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class GeneralSettingsServiceTest {

    private static URI withScheme(String stored, boolean https) {
        return GeneralSettingsService.withScheme(GeneralSettingsService.parse(stored), https, 8080, 8443);
    }

    @Test
    void schemeFollowsTheConsoleTlsHostPortAndPathAreKept() {
        assertThat(withScheme("https://mail.example.com:9443/moat", false))
                .hasToString("http://mail.example.com:9443/moat");
        assertThat(withScheme("https://mail.example.com:9443/moat", true))
                .hasToString("https://mail.example.com:9443/moat");
        assertThat(withScheme("http://mx.example.com/", true)).hasToString("https://mx.example.com");
        assertThat(withScheme("http://[2001:db8::1]:9080", true)).hasToString("https://[2001:db8::1]:9080");
    }

    @Test
    void theConsolesOwnPortFollowsTheSchemeToo() {
        assertThat(withScheme("http://mail.example.com:8080/moat", true))
                .hasToString("https://mail.example.com:8443/moat");
        assertThat(withScheme("https://mail.example.com:8443", false)).hasToString("http://mail.example.com:8080");
        assertThat(withScheme("http://[2001:db8::1]:8080", true)).hasToString("https://[2001:db8::1]:8443");
        assertThat(withScheme("https://mail.example.com:8080", true)).hasToString("https://mail.example.com:8443");
        assertThat(withScheme("http://mail.example.com:8443", true)).hasToString("https://mail.example.com:8443");
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
