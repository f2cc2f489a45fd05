package io.moat.settings.console;

import io.moat.persistence.SettingRepository;
import io.moat.settings.ChangesSettings;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.SettingNames;
import io.moat.settings.certificates.CertificateStore;
import io.moat.settings.certificates.CertificateUsage;
import io.moat.settings.management.ServerManagement;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;

/**
 * Settings > Security, console HTTPS: whether the console and the REST API are served
 * over HTTPS on {@code moat.https.port}, with which stored certificate and protocol versions. A change is applied
 * to the running server (see {@link ServerManagement}) before it is stored, so the stored setting is always what
 * the server does; off by default.
 */
@ApplicationScoped
@Transactional
public class ConsoleTlsService implements CertificateUsage {

    private static final Logger LOG = Logger.getLogger(ConsoleTlsService.class.getName());
    /** The versions a browser-facing console may use. */
    public static final List<String> PROTOCOLS = SettingNames.DEFAULT_TLS_PROTOCOLS;
    static final String ENABLED = "console-tls.enabled";
    static final String CERTIFICATE = "console-tls.certificate";
    static final String PROTOCOL_LIST = "console-tls.protocols";
    static final String KEY_STORE_FILE = "tls/console.p12";

    /** The console's TLS setting. */
    public record ConsoleTls(boolean enabled, String certificateId, List<String> protocols) {
        public ConsoleTls {
            protocols = protocols == null ? List.of() : List.copyOf(protocols);
        }
    }

    @Inject
    SettingRepository settings;

    @Inject
    CertificateStore certificates;

    @Inject
    GatewaySettings gateway;

    private volatile ConsoleTls current;

    public ConsoleTls get() {
        ConsoleTls tls = new ConsoleTls(settings.get(ENABLED).map(Boolean::parseBoolean).orElse(false),
                settings.get(CERTIFICATE).orElse(null),
                settings.get(PROTOCOL_LIST).map(p -> Arrays.asList(p.split(","))).orElse(PROTOCOLS));
        current = tls;
        return tls;
    }

    /** Whether HTTPS is on, as last read or set (cheap: asked on every plain HTTP request). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean httpsEnabled() {
        ConsoleTls tls = current;
        return tls != null && tls.enabled();
    }

    /** Validates, applies to the running server, then stores. */
    @ChangesSettings
    public synchronized ConsoleTls set(ConsoleTls wanted) {
        ConsoleTls tls = validated(wanted);
        try {
            apply(tls);
        } catch (IOException e) {
            throw new RefusedException(Reason.NOT_APPLIED, "console HTTPS could not be switched "
                    + (tls.enabled() ? "on" : "off") + ": " + e.getMessage() + "; nothing was changed", e);
        }
        settings.put(ENABLED, Boolean.toString(tls.enabled()));
        settings.put(PROTOCOL_LIST, String.join(",", tls.protocols()));
        if (tls.certificateId() != null) {
            settings.put(CERTIFICATE, tls.certificateId());
        }
        current = tls;
        LOG.info(() -> "console HTTPS " + (tls.enabled()
                ? "on, port " + gateway.httpsPort() + ", certificate "
                        + tls.certificateId() + ", " + tls.protocols()
                : "off"));
        return tls;
    }

    /** At start: makes the server do what the stored setting says (normally it already does). */
    public synchronized void reconcile() throws IOException {
        ConsoleTls tls = get();
        if (tls.enabled() && certificates.digitalId(tls.certificateId()).isEmpty()) {
            LOG.severe(() -> "console HTTPS is on with certificate " + tls.certificateId()
                    + ", which no longer exists; serving the console over HTTP only until another is chosen");
            management().disableConsoleListeners();
            return;
        }
        apply(tls);
    }

    @Override
    public List<String> usesOf(String certificateId) {
        ConsoleTls tls = current != null ? current : get();
        return tls.enabled() && certificateId.equals(tls.certificateId())
                ? List.of("console HTTPS")
                : List.of();
    }

    @Override
    public void replaced(String certificateId) {
        ConsoleTls tls = current != null ? current : get();
        if (tls.enabled() && certificateId.equals(tls.certificateId())) {
            try {
                writeKeyStore(tls.certificateId());
                management().reloadConsoleKeys();
            } catch (IOException e) {
                throw new RefusedException(Reason.NOT_APPLIED, "the renewed certificate could not be put into"
                        + " service for console HTTPS: " + e.getMessage(), e);
            }
        }
    }

    private ConsoleTls validated(ConsoleTls wanted) {
        List<String> protocols = wanted.protocols().isEmpty() ? PROTOCOLS : wanted.protocols();
        for (String protocol : protocols) {
            if (!PROTOCOLS.contains(protocol)) {
                throw new RefusedException(Reason.INVALID, "'" + protocol + "' is not a protocol version for"
                        + " console HTTPS; use " + String.join(" and/or ", PROTOCOLS));
            }
        }
        protocols = PROTOCOLS.stream().filter(protocols::contains).toList(); // in order, without repeats
        String certificateId = wanted.certificateId() == null || wanted.certificateId().isBlank()
                ? null
                : wanted.certificateId().strip();
        if (wanted.enabled()) {
            if (certificateId == null) {
                throw new RefusedException(Reason.INVALID, "choose the certificate for console HTTPS"
                        + " (certificateId: an id from /api/v1/certificates, or '" + CertificateStore.DIGITAL_ID
                        + "')");
            }
            String id = certificateId;
            if (certificates.find(id).isEmpty()) {
                throw new RefusedException(Reason.INVALID, "no certificate with id '" + id + "'");
            }
        }
        return new ConsoleTls(wanted.enabled(), certificateId, protocols);
    }

    private void apply(ConsoleTls tls) throws IOException {
        ServerManagement management = management();
        if (!tls.enabled()) {
            management.disableConsoleListeners();
            return;
        }
        writeKeyStore(tls.certificateId());
        management.reloadConsoleKeys();
        management.enableConsoleListener(tls.protocols());
    }

    private void writeKeyStore(String certificateId) throws IOException {
        certificates.writePkcs12(certificateId, gateway.dataDirectory().resolve(KEY_STORE_FILE),
                ServerManagement.CONSOLE_STORE_PASSWORD);
    }

    private ServerManagement management() {
        return new ServerManagement(gateway.managementAddress(), gateway.managementPort());
    }
}
