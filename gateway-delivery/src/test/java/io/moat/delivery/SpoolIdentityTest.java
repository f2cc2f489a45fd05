package io.moat.delivery;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpoolIdentityTest {

    @Test
    void aNodeThatSeesAnotherSpoolIsRefusedWithWhatToDo() {
        assertThatCode(() -> SpoolIdentity.check("a", "a", "/data")).doesNotThrowAnyException();
        assertThatThrownBy(() -> SpoolIdentity.check("b", "a", "/data")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/data").hasMessageContaining("MOAT_DATA_DIR")
                .hasMessageContaining("Nothing was changed");
    }
}
