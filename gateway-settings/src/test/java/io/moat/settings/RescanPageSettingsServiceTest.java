package io.moat.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.persistence.SettingRepository;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RescanPageSettingsServiceTest {

    private final Map<String, String> stored = new HashMap<>();
    private final RescanPageSettingsService service = new RescanPageSettingsService();

    RescanPageSettingsServiceTest() {
        service.settings = new SettingRepository() {
            @Override
            public Optional<String> get(String name) {
                return Optional.ofNullable(stored.get(name));
            }

            @Override
            public void put(String name, String value) {
                stored.put(name, value);
            }
        };
    }

    @Test
    void aLinkWorksSevenDaysAndTakesFivePasswordsUnlessTheAdminSaysOtherwise() {
        assertThat(service.get()).isEqualTo(new RescanPageSettings(Duration.ofDays(7), 5));

        assertThat(service.put("PT2S", null)).isEqualTo(new RescanPageSettings(Duration.ofSeconds(2), 5));
        assertThat(service.put(null, 3)).isEqualTo(new RescanPageSettings(Duration.ofSeconds(2), 3));
        assertThat(service.put(" P365D ", 100)).isEqualTo(new RescanPageSettings(Duration.ofDays(365), 100));
    }

    @Test
    void aValueOutOfItsRangeIsRefusedNamingItsFieldAndNothingIsStored() {
        assertThatThrownBy(() -> service.put("a week", 3)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("linkValidity: 'a week' is not an ISO-8601 duration");
        assertThatThrownBy(() -> service.put("P366D", null)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("linkValidity: give PT1S to PT8760H");
        assertThatThrownBy(() -> service.put("PT0.5S", null)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("linkValidity");
        assertThatThrownBy(() -> service.put("P1D", 0)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("maxWrongPasswords: give 1 to 100 (0)");
        assertThatThrownBy(() -> service.put(null, 101)).isInstanceOf(RefusedException.class)
                .hasMessageContaining("maxWrongPasswords");
        assertThat(stored).isEmpty();
        assertThat(service.get()).isEqualTo(RescanPageSettings.DEFAULTS);
    }
}
