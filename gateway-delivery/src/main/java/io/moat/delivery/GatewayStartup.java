package io.moat.delivery;

import io.moat.persistence.SchemaMigrator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * At deployment: bring the schema up to date, clear half-written spool files of a crash, and start the pipeline,
 * which resumes every message where it stopped.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class GatewayStartup {

    private static final Logger LOG = Logger.getLogger(GatewayStartup.class.getName());

    @Resource(lookup = "java:jboss/datasources/MoatDS")
    DataSource dataSource;

    @Inject
    Spool spool;

    @Inject
    PipelineScheduler pipeline;

    @Inject
    GatewaySettings settings;

    @PostConstruct
    void start() {
        try {
            int applied = new SchemaMigrator(dataSource).migrate();
            LOG.info(() -> "database schema up to date (" + applied + " migrations applied now)");
            int discarded = spool.get().discardIncomplete();
            if (discarded > 0) {
                LOG.info(() -> "removed " + discarded + " partial spool files of messages that were never accepted");
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Moat cannot start: " + e.getMessage()
                    + " (data directory " + settings.dataDirectory() + ")", e);
        }
        pipeline.start();
    }

    @PreDestroy
    void stop() {
        pipeline.stop();
    }
}
