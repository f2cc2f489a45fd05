package io.moat.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.web.internal.Accounts.Account;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentVerificationsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final RecentVerifications recent = new RecentVerifications(Duration.ofMinutes(5), now::get);
    private final Account admin = new Account("admin", Accounts.ADMIN, "pbkdf2-sha256$600000$c2FsdA==$aGFzaA==");

    @Test
    void aRememberedPasswordIsFoundUntilItsTimeRunsOut() {
        recent.remember(admin, "secret".toCharArray());
        assertThat(recent.contains(admin, "secret".toCharArray())).isTrue();
        now.addAndGet(Duration.ofMinutes(5).toNanos() - 1);
        assertThat(recent.contains(admin, "secret".toCharArray())).isTrue();
        now.addAndGet(1);
        assertThat(recent.contains(admin, "secret".toCharArray())).isFalse();
        assertThat(recent.size()).isZero();
    }

    @Test
    void aWrongPasswordAnotherUserOrAChangedHashNeverHitsTheCache() {
        recent.remember(admin, "secret".toCharArray());
        assertThat(recent.contains(admin, "secreT".toCharArray())).isFalse();
        assertThat(recent.contains(admin, "secret ".toCharArray())).isFalse();
        assertThat(recent.contains(admin, "".toCharArray())).isFalse();
        assertThat(recent.contains(new Account("auditor", Accounts.AUDITOR, admin.hash()), "secret".toCharArray()))
                .isFalse();
        Account newPassword = new Account("admin", Accounts.ADMIN, "pbkdf2-sha256$600000$b3RoZXI=$aGFzaA==");
        assertThat(recent.contains(newPassword, "secret".toCharArray())).isFalse();
    }

    @Test
    void nameAndPasswordCannotBeShiftedIntoEachOther() {
        Account ab = new Account("ab", Accounts.ADMIN, "h");
        recent.remember(ab, "c".toCharArray());
        assertThat(recent.contains(new Account("a", Accounts.ADMIN, "h"), "bc".toCharArray())).isFalse();
    }

    @Test
    void zeroRemembersNothing() {
        RecentVerifications off = new RecentVerifications(Duration.ZERO, now::get);
        off.remember(admin, "secret".toCharArray());
        assertThat(off.contains(admin, "secret".toCharArray())).isFalse();
        assertThat(off.size()).isZero();
    }

    @Test
    void staysSmallWhateverIsEntered() {
        for (int i = 0; i < 10 * RecentVerifications.MAX_ENTRIES; i++) {
            recent.remember(admin, ("password " + i).toCharArray());
        }
        assertThat(recent.size()).isLessThanOrEqualTo(RecentVerifications.MAX_ENTRIES);
    }
}
