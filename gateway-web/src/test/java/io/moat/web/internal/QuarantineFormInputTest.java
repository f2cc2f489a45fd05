package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineFormInputTest {

    @Test
    void theTickedMessagesAreTakenOnceEachInTheOrderOfThePage() {
        assertThat(QuarantineFormInput.selected(new String[]{"b", " a ", "b", "", null})).containsExactly("b", "a");
    }

    @Test
    void aBulkActionWithNothingTickedOrTooMuchIsRefused() {
        assertThatThrownBy(() -> QuarantineFormInput.selected(null)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("Tick at least one message");
        assertThatThrownBy(() -> QuarantineFormInput.selected(new String[]{" "}))
                .hasMessageContaining("Tick at least one message");
        String[] many = new String[QuarantineFormInput.MAX_SELECTED + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = "id-" + i;
        }
        assertThatThrownBy(() -> QuarantineFormInput.selected(many)).hasMessageContaining("at most 500")
                .hasMessageContaining("501 ticked");
        assertThat(QuarantineFormInput.selected(Collections.nCopies(QuarantineFormInput.MAX_SELECTED + 10, "same")
                .toArray(String[]::new))).containsExactly("same");
    }

    @Test
    void passwordsArePairedWithTheFileNamesBesideThemAndEmptyFieldsGiveNone() {
        Map<String, char[]> given = QuarantineFormInput.passwords(new String[]{"a.zip", "b.zip", "c.pdf"},
                new String[]{"secret one", "", " spaced "});

        assertThat(given).containsOnlyKeys("a.zip", "c.pdf");
        assertThat(new String(given.get("a.zip"))).isEqualTo("secret one");
        assertThat(new String(given.get("c.pdf"))).as("a password is taken as typed").isEqualTo(" spaced ");
        assertThat(QuarantineFormInput.passwords(null, null)).isEmpty();
    }

    @Test
    void passwordsThatDoNotPairUpOrNameAFileTwiceAreRefusedAndClearedWithoutQuotingThem() {
        assertThatThrownBy(() -> QuarantineFormInput.passwords(new String[]{"a.zip"}, new String[]{"hunter2", "y"}))
                .isInstanceOf(RefusedException.class).hasMessageStartingWith("passwords:")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> QuarantineFormInput.passwords(null, new String[]{"hunter2"}))
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> QuarantineFormInput.passwords(new String[]{"a.zip", "a.zip"},
                new String[]{"first-secret", "second-secret"})).hasMessageContaining("'a.zip' is named twice")
                .hasMessageNotContaining("secret");
    }

    @Test
    void aReleaseToEveryHeldRecipientReleasesTheMessageItselfAndToSomeACopy() {
        List<String> held = List.of("bob@example.com", "carol@example.com");

        assertThat(QuarantineFormInput.releaseTo(List.of("carol@example.com", "bob@Example.COM"), held)).isNull();
        // SMTP keeps a local part's case (RFC 5321 2.4): Bob is not bob, so this is not everyone
        assertThat(QuarantineFormInput.releaseTo(List.of("carol@example.com", "Bob@example.com"), held))
                .containsExactly("carol@example.com", "Bob@example.com");
        assertThat(QuarantineFormInput.releaseTo(List.of("carol@example.com"), held))
                .containsExactly("carol@example.com");
        assertThatThrownBy(() -> QuarantineFormInput.releaseTo(List.of(), held))
                .hasMessageStartingWith("recipients: tick at least one");
        assertThatThrownBy(() -> QuarantineFormInput.releaseTo(null, held)).isInstanceOf(RefusedException.class);
    }
}
