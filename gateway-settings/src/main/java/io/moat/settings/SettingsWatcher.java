package io.moat.settings;

import io.moat.persistence.SettingsGenerationRepository;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.TrustStoreService;
import io.moat.settings.console.ConsoleTlsService;
import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.settings.profiles.WebhookListener.Listening;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.settings.webhook.WebhookListenerService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Settings changed on another node, applied on this one within a second (ADR 45): every change raises the settings'
 * generation in its transaction ({@link ChangesSettings}); this node looks at it each second and, when it moved,
 * reads the settings again and makes its listeners what they say. Everything is applied again, idempotently: the
 * rules, profiles, general settings and trust are read afresh, the SMTP endpoints reconciled (opened, closed,
 * changed, renewed certificates swapped in), and console HTTPS and the webhook listener set again when their setting
 * or their certificate differs from what this node last applied.
 */
@ApplicationScoped
public class SettingsWatcher {

    private static final Logger LOG = Logger.getLogger(SettingsWatcher.class.getName());
    static final long LOOK_MILLIS = 1000;

    @Inject
    SettingsGenerationRepository generation;

    @Inject
    SecurityRuleService rules;

    @Inject
    ServerProfileService profiles;

    @Inject
    GeneralSettingsService general;

    @Inject
    TrustStoreService trust;

    @Inject
    SmtpEndpointService endpoints;

    @Inject
    CertificateStore certificates;

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    WebhookListenerService webhookListener;

    private long seen;
    private List<Object> console;
    private List<Object> webhook;
    private ScheduledFuture<?> task;

    /** The settings' generation now: read it before the start applies the settings, and pass it to {@link #start}. */
    public long generation() {
        return generation.current();
    }

    /**
     * Starts looking each second on {@code scheduler}; {@code applied} is the generation read before this node applied
     * the settings at its start (a change committed since is applied at the first look).
     */
    public synchronized void start(ScheduledExecutorService scheduler, long applied) {
        if (task != null) {
            return;
        }
        seen = applied;
        console = consoleState();
        webhook = webhookState();
        task = scheduler.scheduleWithFixedDelay(this::look, LOOK_MILLIS, LOOK_MILLIS, TimeUnit.MILLISECONDS);
    }

    public synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    /** One look: applies the settings again if their generation moved. */
    synchronized void look() {
        try {
            long now = generation.current();
            if (now == seen) {
                return;
            }
            LOG.fine(() -> "settings generation " + seen + " -> " + now + ": applying the stored settings again");
            apply();
            seen = now; // only once applied: a failure is tried again at the next look
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "settings changed on another node could not all be applied on this one; trying"
                    + " again in a second", e);
        }
    }

    private void apply() throws IOException {
        rules.refresh();
        profiles.refresh();
        general.refresh();
        trust.changed();
        endpoints.reconcile();
        List<Object> consoleNow = consoleState();
        if (!consoleNow.equals(console)) {
            consoleTls.reconcile();
            console = consoleNow;
        }
        List<Object> webhookNow = webhookState();
        if (!webhookNow.equals(webhook)) {
            webhookListener.reconcile();
            webhook = webhookNow;
        }
    }

    /** Console HTTPS as stored, with its certificate as stored (a renewal is a change too). */
    private List<Object> consoleState() {
        ConsoleTlsService.ConsoleTls tls = consoleTls.get();
        return Arrays.asList(tls, tls.enabled() ? certificates.digitalId(tls.certificateId()).orElse(null) : null);
    }

    /** The webhook listener as the Core profiles want it, with its certificate as stored. */
    private List<Object> webhookState() {
        Listening wanted = profiles.webhookListening().orElse(null);
        return Arrays.asList(wanted, wanted != null && wanted.tls()
                ? certificates.digitalId(wanted.certificateId()).orElse(null)
                : null);
    }
}
