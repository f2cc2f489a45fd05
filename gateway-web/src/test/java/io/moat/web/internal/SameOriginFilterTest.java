package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.junit.jupiter.api.Test;

class SameOriginFilterTest {

    private static HttpServletRequest request(String origin, String referer) {
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getScheme()).thenReturn("http");
        when(request.getServerName()).thenReturn("Gateway.Example");
        when(request.getServerPort()).thenReturn(8080);
        when(request.getHeader("Origin")).thenReturn(origin);
        when(request.getHeader("Referer")).thenReturn(referer);
        return request;
    }

    private static boolean sameOrigin(HttpServletRequest request) {
        // a public address elsewhere: these tests are about the address the request came to
        return SameOriginFilter.sameOrigin(request, () -> URI.create("http://mail.example.com"));
    }

    @Test
    void behindAReverseProxyThePublicAddressIsThisSite() {
        HttpServletRequest proxied = request("https://mail.example.com", null);
        assertThat(SameOriginFilter.sameOrigin(proxied, () -> URI.create("http://mail.example.com"))).isTrue();
        assertThat(SameOriginFilter.sameOrigin(proxied, () -> URI.create("http://mail.example.com:443"))).isTrue();
        assertThat(SameOriginFilter.sameOrigin(proxied, () -> URI.create("http://mail.example.com:8443"))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request("https://evil.example", null),
                () -> URI.create("http://mail.example.com"))).isFalse();
    }

    @Test
    void aFormFromThisSiteIsAccepted() {
        assertThat(sameOrigin(request("http://gateway.example:8080", null))).isTrue();
        assertThat(sameOrigin(request(null, "http://gateway.example:8080/settings/x.xhtml")))
                .isTrue();
    }

    @Test
    void aFormFromAnotherSiteSchemeOrPortIsRefused() {
        assertThat(sameOrigin(request("http://evil.example", null))).isFalse();
        assertThat(sameOrigin(request("https://gateway.example:8080", null))).isFalse();
        assertThat(sameOrigin(request("http://gateway.example:8081", null))).isFalse();
        assertThat(sameOrigin(request("http://gateway.example", null))).isFalse();
        assertThat(sameOrigin(request(null, "http://evil.example/page"))).isFalse();
        assertThat(sameOrigin(request("not a url", null))).isFalse();
    }

    @Test
    void anOpaqueOriginFallsBackToTheReferer() {
        assertThat(sameOrigin(request("null", "http://evil.example/"))).isFalse();
        assertThat(sameOrigin(request("null", "http://gateway.example:8080/"))).isTrue();
    }

    @Test
    void withoutEitherHeaderTheViewStateDecides() {
        assertThat(sameOrigin(request(null, null))).isTrue();
    }
}
