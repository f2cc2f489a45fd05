package io.moat.settings.profiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ServerProfileServiceTest {

    @Test
    void bootstrapDownstreamUrlNamesItsStarttlsMode() {
        assertThat(ServerProfileService.fromBootstrap(URI.create("smtp://mx.internal:25?starttls=required")))
                .satisfies(s -> {
                    assertThat(s.uri()).isEqualTo("smtp://mx.internal:25");
                    assertThat(s.encryption()).isEqualTo("STARTTLS_REQUIRED");
                });
        assertThat(ServerProfileService.fromBootstrap(URI.create("smtp://mx.internal:25?starttls=none"))
                .encryption()).isEqualTo("NONE");
        assertThat(ServerProfileService.fromBootstrap(URI.create("smtp://mx.internal?starttls=optional"))
                .encryption()).isEqualTo("STARTTLS_OPTIONAL");
        // no parameter: the profile's default (optional STARTTLS) applies when it is stored
        assertThat(ServerProfileService.fromBootstrap(URI.create("smtp://127.0.0.1:2526")).encryption()).isNull();
        assertThat(ServerProfileService.fromBootstrap(URI.create("smtps://mx.internal:465")).uri())
                .isEqualTo("smtps://mx.internal:465");
    }

    @Test
    void anUnknownStarttlsModeIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> ServerProfileService.fromBootstrap(URI.create("smtp://mx:25?starttls=maybe")))
                .isInstanceOf(RefusedException.class).hasMessageContaining("none, optional or required");
    }

    @Test
    void roundRobinStartsEachTurnAtTheNextServerAndKeepsTheOthersAsFallback() {
        java.util.List<String> servers = java.util.List.of("a", "b", "c");
        assertThat(ServerProfileService.rotated(servers, 0)).containsExactly("a", "b", "c");
        assertThat(ServerProfileService.rotated(servers, 1)).containsExactly("b", "c", "a");
        assertThat(ServerProfileService.rotated(servers, 5)).containsExactly("c", "a", "b");
        assertThat(ServerProfileService.rotated(servers, Integer.MIN_VALUE)).hasSize(3).containsExactlyInAnyOrder("a",
                "b", "c");
    }
}
