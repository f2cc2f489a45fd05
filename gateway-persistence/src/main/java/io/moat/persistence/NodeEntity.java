package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A gateway node sharing the database: who it is, since when it runs, its last heartbeat, its stop. */
@Entity
@Table(name = "moat_node")
public class NodeEntity {

    @Id
    @Column(name = "node_id", length = 24)
    private String nodeId;

    /** This run of the node (a new id at every start). */
    @Column(name = "instance", length = 36, nullable = false)
    private String instance;

    @Column(name = "version", length = 64, nullable = false)
    private String version;

    @Column(name = "address")
    private String address;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "heartbeat_at", nullable = false)
    private Instant heartbeatAt;

    @Column(name = "stopped_at")
    private Instant stoppedAt;

    protected NodeEntity() {
    }

    public NodeEntity(String nodeId) {
        this.nodeId = nodeId;
    }

    /** A new run of the node starts now. */
    public void started(String instance, String version, String address, Instant now) {
        this.instance = instance;
        this.version = version;
        this.address = address;
        this.startedAt = now;
        this.heartbeatAt = now;
        this.stoppedAt = null;
    }

    public String getNodeId() {
        return nodeId;
    }

    public String getInstance() {
        return instance;
    }

    public String getVersion() {
        return version;
    }

    public String getAddress() {
        return address;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public Instant getHeartbeatAt() {
        return heartbeatAt;
    }

    public Instant getStoppedAt() {
        return stoppedAt;
    }
}
