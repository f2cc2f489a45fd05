package io.moat.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.persistence.NodeEntity;
import io.moat.persistence.NodeRepository;
import io.moat.settings.GatewaySettings;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class NodeRegistryTest {

    private final Instant now = Instant.parse("2026-12-07T10:00:00Z");

    private NodeEntity node(Instant heartbeat, Instant stopped) {
        NodeEntity node = new NodeEntity("node-a");
        node.started("run", "1.0", null, heartbeat);
        if (stopped != null) {
            // a stop is recorded by the repository; here through a new entity read as it would be
            return new StoppedNode(heartbeat, stopped);
        }
        return node;
    }

    @Test
    void aNodeIsUpWhileItBeatsNotAnsweringAfterThreeMissedBeatsAndStoppedWhenItSaidSo() {
        assertThat(NodeRegistry.node(node(now.minusSeconds(4), null), now, 3).state())
                .isEqualTo(NodeRegistry.State.UP);
        assertThat(NodeRegistry.node(node(now.minusSeconds(16), null), now, 3).state())
                .isEqualTo(NodeRegistry.State.NOT_ANSWERING);
        assertThat(NodeRegistry.node(node(now.minusSeconds(16), now.minusSeconds(16)), now, 0).state())
                .isEqualTo(NodeRegistry.State.STOPPED);
        assertThat(NodeRegistry.node(node(now, null), now, 3).leases()).isEqualTo(3);
    }

    @Test
    void aStartWaitsForNoRunOrADeadOneAndIsRefusedBesideALiveOneWithTheSameId() throws Exception {
        NodeRegistry registry = registry(null);
        registry.awaitNoOtherRun(); // no row: a first start

        NodeEntity dead = new NodeEntity("node-a");
        dead.started("old-run", "1.0", null, Instant.now().minusSeconds(60));
        registry(() -> dead).awaitNoOtherRun(); // its heartbeat is long stale: killed

        Instant[] beat = {Instant.now()};
        Supplier<NodeEntity> alive = () -> {
            NodeEntity live = new NodeEntity("node-a");
            live.started("other-run", "1.0", null, beat[0]);
            beat[0] = beat[0].plusSeconds(5); // it keeps beating
            return live;
        };
        assertThatThrownBy(() -> registry(alive).awaitNoOtherRun())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("node-a")
                .hasMessageContaining("MOAT_NODE_ID");
    }

    private static NodeRegistry registry(Supplier<NodeEntity> row) {
        NodeRegistry registry = new NodeRegistry();
        registry.settings = new GatewaySettings() {
            @Override
            public String nodeId() {
                return "node-a";
            }
        };
        registry.nodes = new NodeRepository() {
            @Override
            public Optional<NodeEntity> find(String nodeId) {
                return Optional.ofNullable(row == null ? null : row.get());
            }
        };
        return registry;
    }

    @Test
    void theVersionIsTheBuildsAndNotThePlaceholder() {
        assertThat(NodeRegistry.version()).isNotBlank().doesNotContain("${").isNotEqualTo("unknown");
    }

    private static final class StoppedNode extends NodeEntity {
        private final Instant heartbeat;
        private final Instant stopped;

        StoppedNode(Instant heartbeat, Instant stopped) {
            super("node-a");
            this.heartbeat = heartbeat;
            this.stopped = stopped;
        }

        @Override
        public Instant getHeartbeatAt() {
            return heartbeat;
        }

        @Override
        public Instant getStoppedAt() {
            return stopped;
        }
    }
}
