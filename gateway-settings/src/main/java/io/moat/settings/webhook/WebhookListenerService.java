package io.moat.settings.webhook;

import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.CertificateUsage;
import io.moat.settings.management.ServerManagement;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.settings.profiles.WebhookListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.List;
import java.util.logging.Logger;

/**
 * Makes WildFly's {@code moat-webhook} server listen as the Core profiles want ({@link ServerManagement}): where, and
 * over plain HTTP or TLS with a stored certificate, switched on the running server as console HTTPS is (ADR 0008).
 * A renewed certificate is put into service at once.
 */
@ApplicationScoped
public class WebhookListenerService implements WebhookListener, CertificateUsage {

    private static final Logger LOG = Logger.getLogger(WebhookListenerService.class.getName());
    static final String KEY_STORE_FILE = "tls/webhook.p12";

    @Inject
    GatewaySettings gateway;

    @Inject
    CertificateStore certificates;

    @Inject
    ServerProfileService profiles;

    /** What the listener serves now, as last applied; null: the default (or not yet reconciled). */
    private volatile Listening current;

    @Override
    public synchronized void serve(Listening wanted) {
        try {
            apply(wanted);
        } catch (IOException e) {
            throw new RefusedException(Reason.NOT_APPLIED, "the webhook listener could not be set to "
                    + describe(wanted) + ": " + e.getMessage() + "; nothing was changed", e);
        }
        current = wanted;
        LOG.info(() -> "webhook listener: " + describe(wanted));
    }

    /** At start: makes the server do what the stored profiles say (the default unless callbacks are on). */
    public synchronized void reconcile() throws IOException {
        Listening wanted = profiles.webhookListening().orElse(null);
        if (wanted != null && wanted.tls() && certificates.digitalId(wanted.certificateId()).isEmpty()) {
            LOG.severe(() -> "the webhook listener is set to serve certificate " + wanted.certificateId()
                    + ", which no longer exists; serving plain HTTP on the default port until the Core profile's"
                    + " webhook.tls is set again");
            apply(null);
            return;
        }
        apply(wanted);
        current = wanted;
    }

    @Override
    public List<String> usesOf(String certificateId) {
        return List.of(); // said by the Core profiles that name it (ServerProfileService)
    }

    @Override
    public void replaced(String certificateId) {
        Listening listening = current;
        if (listening != null && certificateId.equals(listening.certificateId())) {
            try {
                writeKeyStore(certificateId);
                management().reloadWebhookKeys();
            } catch (IOException e) {
                throw new RefusedException(Reason.NOT_APPLIED, "the renewed certificate could not be put into"
                        + " service for the webhook listener: " + e.getMessage(), e);
            }
        }
    }

    private void apply(Listening wanted) throws IOException {
        ServerManagement management = management();
        if (wanted == null) {
            management.serveWebhook(null, gateway.webhookPort(), List.of(), gateway.webhookPort(),
                    gateway.webhookMaxConnections());
            return;
        }
        if (wanted.tls()) {
            writeKeyStore(wanted.certificateId());
            management.reloadWebhookKeys();
        }
        management.serveWebhook(bindAddress(wanted.bindAddress()), wanted.port(), wanted.protocols(),
                gateway.webhookPort(), gateway.webhookMaxConnections());
    }

    /**
     * Where the listener binds: none (the public interface) for none, and for the wildcard or the node's own address
     * on a node that has one, since configure-moat.cli puts the public interface there.
     */
    private String bindAddress(String configured) {
        String bind = gateway.bindAddress(configured);
        return bind != null && gateway.nodeAddress().filter(bind::equals).isPresent() ? null : bind;
    }

    private void writeKeyStore(String certificateId) throws IOException {
        certificates.writePkcs12(certificateId, gateway.dataDirectory().resolve(KEY_STORE_FILE),
                ServerManagement.WEBHOOK_STORE_PASSWORD);
    }

    private ServerManagement management() {
        return new ServerManagement(gateway.managementAddress(), gateway.managementPort());
    }

    private static String describe(Listening l) {
        return l == null
                ? "plain HTTP on the default port"
                : (l.bindAddress() == null ? "public interface" : l.bindAddress()) + ":" + l.port()
                        + (l.tls()
                                ? ", TLS " + l.protocols() + " with certificate " + l.certificateId()
                                : ", plain HTTP");
    }
}
