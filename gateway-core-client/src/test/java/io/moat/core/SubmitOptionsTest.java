package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubmitOptionsTest {

    @Test
    void toStringHidesPasswords() {
        SubmitOptions options = new SubmitOptions("http://gw:8080/cb", List.of("hunter2", "infected-zip-pw"));

        assertThat(options.toString())
                .doesNotContain("hunter2")
                .doesNotContain("infected-zip-pw")
                .contains("http://gw:8080/cb", "2 hidden");
    }

    @Test
    void noneHasNothing() {
        assertThat(SubmitOptions.none().callbackUrl()).isNull();
        assertThat(SubmitOptions.none().archivePasswords()).isEmpty();
    }

    @Test
    void passwordsAreCopiedAndImmutable() {
        List<String> passwords = new ArrayList<>(List.of("a"));
        SubmitOptions options = new SubmitOptions(null, passwords);
        passwords.add("b");

        assertThat(options.archivePasswords()).containsExactly("a");
        assertThatThrownBy(() -> options.archivePasswords().add("c"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullPasswordListMeansNone() {
        assertThat(new SubmitOptions(null, null).archivePasswords()).isEmpty();
    }

    @Test
    void rejectsANullPassword() {
        assertThatThrownBy(() -> new SubmitOptions(null, Arrays.asList("a", null)))
                .isInstanceOf(NullPointerException.class);
    }

    @Test
    void rejectsACallbackThatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> new SubmitOptions("gw:8080/cb", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SubmitOptions("http://gw/cb\r\nX-Evil: 1", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SubmitOptions("/relative", List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
