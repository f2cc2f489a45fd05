package io.moat.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.persistence.NodeEntity;
import java.time.Instant;
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
