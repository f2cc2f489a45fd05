-- The gateway nodes that share this database (issue #33): each writes its row at start, a heartbeat every few
-- seconds and its stop; the dashboard and /api/v1/nodes show them, a node whose heartbeat stopped as not answering.
CREATE TABLE moat_node (
    node_id      VARCHAR(24)  NOT NULL PRIMARY KEY,
    instance     VARCHAR(36)  NOT NULL,
    version      VARCHAR(64)  NOT NULL,
    address      VARCHAR(255),
    started_at   TIMESTAMP    NOT NULL,
    heartbeat_at TIMESTAMP    NOT NULL,
    stopped_at   TIMESTAMP
);
