package io.moat.delivery;

import io.moat.delivery.commit.Spool;
import io.moat.delivery.notify.Digests;
import io.moat.delivery.pipeline.MessageIds;
import io.moat.delivery.pipeline.MessageSteps;
import io.moat.delivery.pipeline.PipelineScheduler;
import io.moat.delivery.pipeline.SpoolReconciler;
import io.moat.delivery.quarantine.RetentionPurge;
import io.moat.persistence.DatabaseCheck;
import io.moat.persistence.migration.SchemaMigrationException;
import io.moat.persistence.migration.SchemaMigrations;
import io.moat.settings.GatewaySettings;
import io.moat.settings.SettingsWatcher;
import io.moat.settings.certificates.CertificateExpiryMonitor;
import io.moat.settings.certificates.DigitalIdService;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.settings.webhook.WebhookListenerService;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * At deployment: bring the schema up to date, clear half-written spool files of a crash, make the spool and the
 * records agree ({@link SpoolReconciler}), and start the pipeline, which resumes every message where it stopped.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class GatewayStartup {

    private static final Logger LOG = Logger.getLogger(GatewayStartup.class.getName());
    private static final int CONSOLE_TLS_ATTEMPTS = 10;

    @Resource(lookup = "java:jboss/datasources/MoatDS")
    DataSource dataSource;

    @Inject
    Spool spool;

    @Inject
    PipelineScheduler pipeline;

    @Inject
    MessageSteps steps;

    @Inject
    GatewaySettings settings;

    @Inject
    DigitalIdService digitalIds;

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    SmtpEndpointService endpoints;

    @Inject
    ServerProfileService profiles;

    @Inject
    CertificateExpiryMonitor certificateExpiry;

    @Inject
    Digests digests;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    RetentionPurge purge;

    @Inject
    WebhookListenerService webhookListener;

    @Inject
    CoreCallbacks coreCallbacks;

    @Inject
    SpoolIdentity spoolIdentity;

    @Inject
    SettingsWatcher settingsWatcher;

    @Inject
    NodeRegistry nodeRegistry;

    private ScheduledFuture<?> purgeTask;
    /** Whether the database is H2 in a file (or memory), which one process alone can open. */
    private boolean h2;

    @PostConstruct
    void start() {
        checkDatabase();
        try {
            int applied = new SchemaMigrations(dataSource).migrate();
            LOG.info(() -> "database schema up to date (" + applied + " migrations applied now)");
            if (!h2) {
                nodeRegistry.awaitNoOtherRun(); // two runs of one node id would mix their leases and spool files
            }
            checkSpool();
            int discarded = spool.get().discardIncomplete();
            if (discarded > 0) {
                LOG.info(() -> "removed " + discarded + " partial spool files of messages that were never accepted");
            }
            // H2 admits one process; on a shared database other nodes may be at work in the spool (ADR 44)
            SpoolReconciler.reconcile(spool.get(), steps, settings.hostName(),
                    h2 ? Instant.MAX : Instant.now().minus(settings.pipelineLease()));
        } catch (IOException | SchemaMigrationException e) {
            throw new IllegalStateException("Moat cannot start: " + e.getMessage()
                    + " (data directory " + settings.dataDirectory() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Moat cannot start: interrupted", e);
        }
        long settingsApplied = settingsWatcher.generation(); // a change committed from here on is applied again
        digitalIds.loaded(); // on a first start, generates the self-signed ID now and says so in the log
        profiles.start(); // on a first start, moat.downstream.url and moat.core.url become the default profiles
        certificateExpiry.start();
        pipeline.start();
        endpoints.start(); // the listeners open last: mail is taken only once the pipeline runs
        settingsWatcher.start(scheduler, settingsApplied); // settings changed on another node, applied here
        nodeRegistry.start(scheduler); // this node's start and heartbeat, for the dashboard and /api/v1/nodes
        // through the management interface, which is busy deploying us until this method returns
        scheduler.schedule(() -> reconcileConsoleTls(1), 1, TimeUnit.SECONDS);
        scheduler.schedule(() -> reconcileWebhookListener(1), 1, TimeUnit.SECONDS);
        long purgeEvery = settings.retentionInterval().toMillis();
        purgeTask = scheduler.scheduleWithFixedDelay(purge::runScheduled, purgeEvery, purgeEvery,
                TimeUnit.MILLISECONDS);
    }

    /** Refuses to start on a spool that is not the one the records belong to (SpoolIdentity). */
    private void checkSpool() throws IOException {
        String found = spool.get().identity();
        boolean holdsMessages = spool.get().holdsMessages();
        String recorded;
        try {
            recorded = spoolIdentity.recorded(found, holdsMessages);
        } catch (SpoolIdentity.Refused e) {
            throw e;
        } catch (RuntimeException e) {
            // another node recorded it at the same moment: read theirs
            recorded = spoolIdentity.recorded(found, holdsMessages);
        }
        SpoolIdentity.check(found, recorded, settings.dataDirectory().toString());
    }

    /** Says which database this is, and what about it an admin must fix for mail answered 250 to be safe. */
    private void checkDatabase() {
        try (Connection connection = dataSource.getConnection()) {
            // H2 in a file or in memory admits one process; its server modes (tcp, ssl) are shared like PostgreSQL
            String url = String.valueOf(connection.getMetaData().getURL());
            h2 = "H2".equals(connection.getMetaData().getDatabaseProductName()) && !url.startsWith("jdbc:h2:tcp:")
                    && !url.startsWith("jdbc:h2:ssl:");
            String database = DatabaseCheck.describe(connection);
            LOG.info(() -> "database: " + database);
            DatabaseCheck.durabilityWarnings(connection).forEach(LOG::severe);
        } catch (SQLException e) {
            throw new IllegalStateException("Moat cannot start: the database did not answer (" + e.getMessage()
                    + "); check moat.db.url, moat.db.user and moat.db.password (MOAT_DB_URL, MOAT_DB_USER,"
                    + " MOAT_DB_PASSWORD) and that the database server runs", e);
        }
    }

    private void reconcileConsoleTls(int attempt) {
        try {
            consoleTls.reconcile();
        } catch (IOException | RuntimeException e) {
            if (attempt >= CONSOLE_TLS_ATTEMPTS) {
                LOG.log(Level.SEVERE, "console HTTPS could not be set as stored; set it again under Settings >"
                        + " Security (PUT /api/v1/settings/security/console-tls)", e);
                return;
            }
            LOG.fine(() -> "console HTTPS not applied yet (" + e.getMessage() + "); trying again");
            scheduler.schedule(() -> reconcileConsoleTls(attempt + 1), 2L * attempt, TimeUnit.SECONDS);
        }
    }

    private void reconcileWebhookListener(int attempt) {
        try {
            webhookListener.reconcile();
        } catch (IOException | RuntimeException e) {
            if (attempt >= CONSOLE_TLS_ATTEMPTS) {
                LOG.log(Level.SEVERE, "the webhook listener could not be set as the Core profiles say; set a Core"
                        + " profile's webhook again (PUT /api/v1/server-profiles/{id})", e);
                return;
            }
            LOG.fine(() -> "webhook listener not applied yet (" + e.getMessage() + "); trying again");
            scheduler.schedule(() -> reconcileWebhookListener(attempt + 1), 2L * attempt, TimeUnit.SECONDS);
        }
    }

    /** Every ten minutes: the callbacks Core can no longer make in time are forgotten. */
    @Schedule(hour = "*", minute = "*/10", persistent = false)
    void expiredCallbacks() {
        int purged = coreCallbacks.purgeExpired();
        if (purged > 0) {
            LOG.fine(() -> purged + " expired Core callback tokens removed");
        }
    }

    /** Each morning: which certificates in use expire within 30 days (a warning each, and the health check). */
    @Schedule(hour = "6", minute = "0", persistent = false)
    void daily() {
        certificateExpiry.check();
    }

    /**
     * Every 15 seconds: the admins' digest, once its window has ended (Settings &gt; Notifications). A digest that
     * cannot be written now is tried again at the next tick; its events wait in the database.
     */
    @Schedule(hour = "*", minute = "*", second = "*/15", persistent = false)
    void digests() {
        try {
            digests.sendDue(spool.get(), MessageIds::next, Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "the admins' digest could not be sent now; it is tried again in 15 seconds", e);
        }
    }

    @PreDestroy
    void stop() {
        settingsWatcher.stop();
        nodeRegistry.stop();
        if (purgeTask != null) {
            purgeTask.cancel(false);
        }
        pipeline.stop();
    }
}
