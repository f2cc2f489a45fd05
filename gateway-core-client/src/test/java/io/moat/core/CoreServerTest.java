package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CoreServerTest {

    private static final URI BASE = URI.create("http://core.internal:8008/core");

    @Test
    void toStringHidesTheApiKey() {
        CoreServer server = new CoreServer(BASE, "s3cr3t-KEY-value", "Mail", Duration.ofSeconds(30));

        assertThat(server.toString())
                .doesNotContain("s3cr3t-KEY-value")
                .contains("http://core.internal:8008/core", "Mail", "PT30S", "apiKey=(set)");
    }

    @Test
    void toStringSaysWhenThereIsNoKey() {
        assertThat(new CoreServer(BASE, null, null, Duration.ofSeconds(1)).toString()).contains("apiKey=(none)");
    }

    @Test
    void keepsTheKeyForTheClient() {
        assertThat(new CoreServer(BASE, "k", null, Duration.ofSeconds(1)).apiKey()).isEqualTo("k");
    }

    @Test
    void rejectsWhatCannotWork() {
        Duration timeout = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new CoreServer(null, "k", null, timeout)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CoreServer(BASE, "k", null, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new CoreServer(URI.create("core:8008"), "k", null, timeout))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoreServer(URI.create("ftp://core/"), "k", null, timeout))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoreServer(URI.create("http://core/?a=b"), "k", null, timeout))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoreServer(BASE, "k", null, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CoreServer(BASE, "k", null, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsCredentialsInTheUriWithoutRepeatingThem() {
        assertThatThrownBy(() -> new CoreServer(URI.create("http://user:pa55@core/"), null, null,
                Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("pa55");
    }

    @Test
    void rejectsAKeyThatCannotBeAHeaderWithoutRepeatingIt() {
        assertThatThrownBy(() -> new CoreServer(BASE, "abc\r\nX-Evil: 1", null, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .message().doesNotContain("abc").doesNotContain("Evil");
    }
}
