package io.moat.web.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignInTest {

    private static String next(String next) {
        SignIn signIn = new SignIn();
        signIn.setNext(next);
        return signIn.safeNext();
    }

    @Test
    void returnsToTheConsolePageAskedFor() {
        assertThat(next("/settings/security.xhtml")).isEqualTo("/settings/security.xhtml");
        assertThat(next("/messages.xhtml?state=DEFERRED")).isEqualTo("/messages.xhtml?state=DEFERRED");
    }

    @Test
    void neverLeavesTheSite() {
        assertThat(next(null)).isEqualTo("/index.xhtml");
        assertThat(next("")).isEqualTo("/index.xhtml");
        assertThat(next("https://evil.example/")).isEqualTo("/index.xhtml");
        assertThat(next("//evil.example/")).isEqualTo("/index.xhtml");
        assertThat(next("/\\evil.example/")).isEqualTo("/index.xhtml");
        assertThat(next("/x\r\nLocation: http://evil.example")).isEqualTo("/index.xhtml");
        assertThat(next("/login.xhtml?next=/login.xhtml")).isEqualTo("/index.xhtml");
    }
}
