package io.moat.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GatewaySettingsTest {

    @Test
    void aNodeIdIsAPlainNameShortEnoughForItsLeases() {
        assertThat(GatewaySettings.checkedNodeId("node-1")).isEqualTo("node-1");
        assertThat(GatewaySettings.checkedNodeId("mx2.example.org")).isEqualTo("mx2.example.org");
        assertThat(GatewaySettings.checkedNodeId("a".repeat(24))).hasSize(24);
        // '_' and '%' would match other nodes' leases in releaseLeases' LIKE; '/' ends the id in a lease
        for (String bad : new String[]{"node_1", "node%", "a/b", "", "-node", "a".repeat(25), "nöde", null}) {
            assertThatThrownBy(() -> GatewaySettings.checkedNodeId(bad)).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("MOAT_NODE_ID");
        }
    }

    @Test
    void aLeaseIsAtLeastTenSeconds() {
        assertThat(GatewaySettings.checkedLease(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(GatewaySettings.checkedLease(Duration.ofMinutes(10))).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> GatewaySettings.checkedLease(Duration.ofSeconds(9)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("moat.pipeline.lease");
        assertThatThrownBy(() -> GatewaySettings.checkedLease(Duration.ofSeconds(-5)))
                .isInstanceOf(IllegalStateException.class);
    }
}
