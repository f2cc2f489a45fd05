package io.moat.settings.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPatternsTest {

    private static AddressPatterns of(String... entries) {
        return AddressPatterns.of(AddressPatterns.check(List.of(entries), "filter.senders"));
    }

    @Test
    void anEmptyListTakesEveryAddressAndTheNullSender() {
        assertThat(of().matches("anyone@anywhere.test")).isTrue();
        assertThat(of().matches("")).isTrue();
    }

    @Test
    void anAddressADomainAndSubdomainsMatchWithoutRegardToCase() {
        AddressPatterns patterns = of("Ann@Example.org", "@partner.test", ".corp.test");
        assertThat(patterns.matches("ann@example.ORG")).isTrue();
        assertThat(patterns.matches("bob@example.org")).isFalse();
        assertThat(patterns.matches("bob@PARTNER.test")).isTrue();
        assertThat(patterns.matches("bob@sub.partner.test")).as("@domain is that domain only").isFalse();
        assertThat(patterns.matches("bob@mail.corp.test")).isTrue();
        assertThat(patterns.matches("bob@corp.test")).as(".domain is its subdomains only").isFalse();
        assertThat(patterns.matches("bob@evilcorp.test")).isFalse();
        assertThat(patterns.matches("bob@partner.test.")).as("a trailing dot is the same domain").isTrue();
    }

    @Test
    void anExclusionWinsOverAnInclusion() {
        AddressPatterns patterns = of("@example.net", "!ceo@example.net");
        assertThat(patterns.matches("staff@example.net")).isTrue();
        assertThat(patterns.matches("CEO@example.net")).isFalse();
        assertThat(of("!ceo@example.net").matches("anyone@else.test")).as("only exclusions: the rest matches")
                .isTrue();
    }

    @Test
    void theNullSenderIsMatchedOnlyByItsOwnPattern() {
        assertThat(of("@example.org").matches("")).isFalse();
        assertThat(of("<>").matches("")).isTrue();
        assertThat(of("!<>").matches("")).isFalse();
        assertThat(of("!<>").matches("a@b.test")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "example.org", "@", "@-bad-.test", "a b@example.org", "user@", "!", ".",
            "user@exa mple.org"})
    void whatIsNotAPatternIsRefusedNamingTheEntry(String entry) {
        assertThatThrownBy(() -> AddressPatterns.check(List.of("@ok.test", entry), "filter.recipients"))
                .isInstanceOf(RefusedException.class).hasMessageContaining("filter.recipients[1]");
    }

    @Test
    void entriesAreKeptStrippedAndInLowerCase() {
        assertThat(AddressPatterns.check(List.of(" Ann@Example.ORG ", "! @Partner.test"), "f"))
                .containsExactly("ann@example.org", "!@partner.test");
    }
}
