package io.moat.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
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

    @Test
    void aNodesAddressTakesThePlaceOfTheWildcardAndOfNone() throws Exception {
        GatewaySettings settings = new GatewaySettings();
        settings.nodeAddress = Optional.empty();
        assertThat(settings.bindAddress("0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(settings.bindAddress(null)).isNull();
        assertThat(settings.managementAddress()).isEqualTo(InetAddress.getLoopbackAddress());

        settings.nodeAddress = Optional.of(" 127.0.0.2 ");
        assertThat(settings.bindAddress("0.0.0.0")).isEqualTo("127.0.0.2");
        assertThat(settings.bindAddress("::")).isEqualTo("127.0.0.2");
        assertThat(settings.bindAddress(null)).isEqualTo("127.0.0.2");
        assertThat(settings.bindAddress("192.0.2.10")).isEqualTo("192.0.2.10"); // an endpoint's own address stays
        assertThat(settings.managementAddress()).isEqualTo(InetAddress.getByName("127.0.0.2"));
    }
}
