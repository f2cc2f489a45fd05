package io.moat.delivery.links;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class LinksTest {

    @Test
    void aLinkIsThePageAtThePublicAddressWithTheToken() {
        assertThat(Links.url(URI.create("https://mail.example.com"), "tok"))
                .hasToString("https://mail.example.com/rescan?t=tok");
        assertThat(Links.url(URI.create("https://proxy.example.com/moat/"), "tok"))
                .hasToString("https://proxy.example.com/moat/rescan?t=tok");
    }
}
