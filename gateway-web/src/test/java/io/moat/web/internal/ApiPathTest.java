package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.when;

import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;

class ApiPathTest {

    @Test
    void theApiIsWhatTheContainerMatchedUnderSlashApi() {
        assertThat(ApiPath.isApi(new Exchange("/api/v1/messages", "/api/v1", "/messages", "::1").request)).isTrue();
        assertThat(ApiPath.isApi(new Exchange("//api/v1/messages", "/api/v1", "/messages", "::1").request)).isTrue();
        assertThat(ApiPath.isApi(new Exchange("/api;x/v1/messages", "/api/v1", "/messages", "::1").request))
                .isTrue();
        assertThat(ApiPath.isApi(new Exchange("/api/v2/x", "/api/v2/x", null, "::1").request)).isTrue();
        assertThat(ApiPath.isApi(new Exchange("/api", "/api", null, "::1").request)).isTrue();
        assertThat(ApiPath.isApi(new Exchange("/apis.xhtml", "/apis.xhtml", null, "::1").request)).isFalse();
        assertThat(ApiPath.isApi(new Exchange("/index.xhtml", "/index.xhtml", null, "::1").request)).isFalse();
    }

    @Test
    void theErrorPageStillKnowsWhatTheRequestWasFor() {
        Exchange exchange = new Exchange("/api/v2/x", "/api/v2/x", null, "::1");
        assertThat(ApiPath.isApi(exchange.request)).isTrue();
        when(exchange.request.getServletPath()).thenReturn("/error");
        when(exchange.request.getDispatcherType()).thenReturn(DispatcherType.ERROR);
        assertThat(ApiPath.isApi(exchange.request)).isTrue();
    }
}
