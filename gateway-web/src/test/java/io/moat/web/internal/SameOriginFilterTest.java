package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import jakarta.servlet.http.HttpServletRequest;
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

    @Test
    void aFormFromThisSiteIsAccepted() {
        assertThat(SameOriginFilter.sameOrigin(request("http://gateway.example:8080", null))).isTrue();
        assertThat(SameOriginFilter.sameOrigin(request(null, "http://gateway.example:8080/settings/x.xhtml")))
                .isTrue();
    }

    @Test
    void aFormFromAnotherSiteSchemeOrPortIsRefused() {
        assertThat(SameOriginFilter.sameOrigin(request("http://evil.example", null))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request("https://gateway.example:8080", null))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request("http://gateway.example:8081", null))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request("http://gateway.example", null))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request(null, "http://evil.example/page"))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request("not a url", null))).isFalse();
    }

    @Test
    void anOpaqueOriginFallsBackToTheReferer() {
        assertThat(SameOriginFilter.sameOrigin(request("null", "http://evil.example/"))).isFalse();
        assertThat(SameOriginFilter.sameOrigin(request("null", "http://gateway.example:8080/"))).isTrue();
    }

    @Test
    void withoutEitherHeaderTheViewStateDecides() {
        assertThat(SameOriginFilter.sameOrigin(request(null, null))).isTrue();
    }
}
