-- Limits of inbound SMTP endpoints against clients that hold connections (issue #28): connections per client
-- address, the whole session's time, the lowest average rate of DATA, and how much is read and dropped past the size
-- limit before the connection is closed. Existing endpoints take the defaults (SmtpEndpointService).
ALTER TABLE moat_smtp_endpoint ADD COLUMN max_connections_per_client INT DEFAULT 50 NOT NULL;
ALTER TABLE moat_smtp_endpoint ADD COLUMN session_timeout_seconds INT DEFAULT 600 NOT NULL;
ALTER TABLE moat_smtp_endpoint ADD COLUMN min_data_rate INT DEFAULT 500 NOT NULL;
ALTER TABLE moat_smtp_endpoint ADD COLUMN max_discard_size BIGINT DEFAULT 1048576 NOT NULL;
-- An endpoint limited to fewer connections than the default per client keeps a per-client limit within its own, so
-- that it can be saved again unchanged (maxConnectionsPerClient must be 1..maxConnections).
UPDATE moat_smtp_endpoint SET max_connections_per_client = max_connections WHERE max_connections < 50;
