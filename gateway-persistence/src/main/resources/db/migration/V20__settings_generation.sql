-- Settings changed on one node apply on every node (issue #33, ADR 45): a change to a setting raises the generation in
-- its own transaction, and every node looks at it each second and applies the settings again when it moved.
CREATE TABLE moat_settings_generation (
    id         INT    NOT NULL PRIMARY KEY,
    generation BIGINT NOT NULL
);
INSERT INTO moat_settings_generation (id, generation) VALUES (1, 0);
