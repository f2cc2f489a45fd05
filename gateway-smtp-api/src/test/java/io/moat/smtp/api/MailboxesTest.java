package io.moat.smtp.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MailboxesTest {

    @Test
    void theDomainIsComparedInAnyCaseAndTheLocalPartExactly() {
        assertThat(Mailboxes.same("Alice@Example.ORG", "Alice@example.org")).isTrue();
        assertThat(Mailboxes.same("Alice@example.org", "alice@example.org")).isFalse();
        assertThat(Mailboxes.same("postmaster", "postmaster")).isTrue();
        assertThat(Mailboxes.same(null, "a@b")).isFalse();
    }
}
