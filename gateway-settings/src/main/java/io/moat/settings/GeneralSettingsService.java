package io.moat.settings;

import io.moat.persistence.SettingRepository;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.console.ConsoleTlsService;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Settings > General. The public server address is the base of the links the gateway puts into mail (the public
 * rescan page's, in recipients' notices) and of the console's redirects to HTTPS. Its scheme follows the console's
 * TLS setting (http ↔ https); host, port and path are the admin's, except that a port that is the console's own port of the other scheme
 * ({@code moat.http.port} ↔ {@code moat.https.port}) follows the scheme too: an address saved while the console was
 * served over HTTP still leads to it once HTTPS is on. Unset, it is this host on the console's port.
 */
@ApplicationScoped
@Transactional
public class GeneralSettingsService {

    static final String PUBLIC_ADDRESS = "general.public-address";

    @Inject
    SettingRepository settings;

    @Inject
    ConsoleTlsService consoleTls;

    @Inject
    GatewaySettings gateway;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /** The public server address's host, kept: the Core callbacks' default URL asks for it on the message path. */
    private final SnapshotCache<String> host = new SnapshotCache<>(() -> settings.get(PUBLIC_ADDRESS)
            .map(stored -> URI.create(stored).getHost()).orElseGet(() -> gateway.hostName()));

    /** Another node changed the general settings: read them again (SettingsWatcher). */
    public void refresh() {
        host.clear();
    }

    /** The public server address in effect, with the scheme the console's TLS setting gives it. */
    public URI publicAddress() {
        boolean https = consoleTls.get().enabled();
        return settings.get(PUBLIC_ADDRESS)
                .map(stored -> withScheme(URI.create(stored), https, gateway.httpPort(), gateway.httpsPort()))
                .orElseGet(() -> URI.create((https ? "https" : "http") + "://" + gateway.hostName() + ":"
                        + (https ? gateway.httpsPort() : gateway.httpPort())));
    }

    /** The public server address's host (this host's name when none is set), read from the database once. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public String publicHost() {
        return host.get();
    }

    /** Stores host, port and path of {@code address}; its scheme is not stored (it follows the console TLS). */
    @ChangesSettings
    public URI setPublicAddress(String address) {
        URI uri = parse(address);
        settings.put(PUBLIC_ADDRESS, withScheme(uri, false, -1, -1).toString());
        host.invalidate(transactions);
        return publicAddress();
    }

    static URI parse(String address) {
        if (address == null || address.isBlank()) {
            throw new RefusedException(Reason.INVALID, "publicAddress is missing, e.g. https://mail.example.com");
        }
        URI uri;
        try {
            uri = new URI(address.strip());
        } catch (URISyntaxException e) {
            throw new RefusedException(Reason.INVALID, "'" + address + "' is not a URL: " + e.getReason());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                || uri.getHost() == null) {
            throw new RefusedException(Reason.INVALID, "'" + address + "' is not an http(s) URL with a host name,"
                    + " e.g. https://mail.example.com");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new RefusedException(Reason.INVALID, "the public server address takes no user, query or"
                    + " fragment: '" + address + "'");
        }
        return uri;
    }

    /** {@code uri} with the scheme, and the port where it is the console's port of the other scheme. */
    static URI withScheme(URI uri, boolean https, int httpPort, int httpsPort) {
        try {
            String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
            String authority = uri.getRawAuthority();
            int port = uri.getPort();
            if (port > 0 && port == (https ? httpPort : httpsPort)) {
                authority = authority.substring(0, authority.lastIndexOf(':') + 1) + (https ? httpsPort : httpPort);
            }
            return new URI((https ? "https" : "http") + "://" + authority + path);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
