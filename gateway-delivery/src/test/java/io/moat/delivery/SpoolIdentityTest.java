package io.moat.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.persistence.MessageRepository;
import io.moat.persistence.SettingRepository;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SpoolIdentityTest {

    @Test
    void theFirstStartRecordsTheSpoolUnlessTheSpoolHoldsMessagesAndTheDatabaseNone() {
        assertThat(identity(false, Optional.empty()).recorded("s-1", false)).isEqualTo("s-1"); // both new
        assertThat(identity(true, Optional.empty()).recorded("s-1", true)).isEqualTo("s-1"); // an upgrade
        assertThat(identity(true, Optional.of("s-0")).recorded("s-1", true)).isEqualTo("s-0"); // recorded before
        assertThatThrownBy(() -> identity(false, Optional.empty()).recorded("s-1", true))
                .isInstanceOf(SpoolIdentity.Refused.class).hasMessageContaining("MOAT_DB_URL");
    }

    private static SpoolIdentity identity(boolean databaseHoldsMessages, Optional<String> recorded) {
        SpoolIdentity identity = new SpoolIdentity();
        identity.settings = new SettingRepository() {
            @Override
            public Optional<String> get(String name) {
                return recorded;
            }

            @Override
            public void put(String name, String value) {
            }
        };
        identity.messages = new MessageRepository() {
            @Override
            public boolean holdsAny() {
                return databaseHoldsMessages;
            }
        };
        return identity;
    }

    @Test
    void aNodeThatSeesAnotherSpoolIsRefusedWithWhatToDo() {
        assertThatCode(() -> SpoolIdentity.check("a", "a", "/data")).doesNotThrowAnyException();
        assertThatThrownBy(() -> SpoolIdentity.check("b", "a", "/data")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/data").hasMessageContaining("MOAT_DATA_DIR")
                .hasMessageContaining("Nothing was changed");
    }
}
