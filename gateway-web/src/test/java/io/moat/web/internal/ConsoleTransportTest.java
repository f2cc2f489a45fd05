package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.moat.settings.GeneralSettingsService;
import io.moat.settings.console.ConsoleTlsService;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConsoleTransportTest {

    @Test
    void aPlainHttpPageGoesToThePublicAddressWhateverHostTheRequestNamed() {
        ConsoleTransport transport = new ConsoleTransport();
        transport.consoleTls = mock(ConsoleTlsService.class);
        transport.general = mock(GeneralSettingsService.class);
        when(transport.general.publicAddress()).thenReturn(URI.create("https://mail.example.com:8443"));
        Exchange forged = new Exchange("/settings/security.xhtml", "/settings/security.xhtml", null, "192.0.2.7");
        when(forged.request.getServerName()).thenReturn("evil.example");
        when(forged.request.getHeader("Host")).thenReturn("evil.example");
        when(forged.request.getQueryString()).thenReturn("a=b");
        assertThat(transport.httpsLocation(forged.request))
                .isEqualTo("https://mail.example.com:8443/settings/security.xhtml?a=b");
    }

    @Test
    void aPublicAddressWithAPathKeepsIt() {
        URI proxy = URI.create("https://mail.example.com/moat");
        assertThat(ConsoleTransport.location(proxy, "", "/index.xhtml", null))
                .isEqualTo("https://mail.example.com/moat/index.xhtml");
        assertThat(ConsoleTransport.location(URI.create("https://mail.example.com/moat/"), "", "/", null))
                .isEqualTo("https://mail.example.com/moat/");
        assertThat(ConsoleTransport.location(URI.create("https://[2001:db8::1]:8443"), "/ctx", "/ctx/x.xhtml",
                null)).isEqualTo("https://[2001:db8::1]:8443/x.xhtml");
        // a path that looks like another host stays a path of ours
        assertThat(ConsoleTransport.location(URI.create("https://mail.example.com"), "", "//evil.example/x", null))
                .isEqualTo("https://mail.example.com//evil.example/x");
    }

    @Test
    void hstsMaxAgeIsBounded() {
        ConsoleTransport transport = new ConsoleTransport();
        transport.hstsMaxAge = Duration.ofDays(1000);
        assertThatThrownBy(transport::init).hasMessageContaining("moat.console.hsts-max-age");
        transport.hstsMaxAge = Duration.ZERO;
        transport.init(); // max-age=0: browsers forget it
    }
}
