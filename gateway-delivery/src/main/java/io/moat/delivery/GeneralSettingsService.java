package io.moat.delivery;

import io.moat.delivery.RefusedException.Reason;
import io.moat.persistence.SettingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Settings > General. The public server address is the base of every link the gateway puts into mail (e.g. the
 * rescan page). Its scheme follows the console's TLS setting (http ↔ https); host, port and path are the admin's.
 * Unset, it is this host on the console's port.
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

    /** The public server address in effect, with the scheme the console's TLS setting gives it. */
    public URI publicAddress() {
        boolean https = consoleTls.get().enabled();
        return settings.get(PUBLIC_ADDRESS).map(stored -> withScheme(URI.create(stored), https))
                .orElseGet(() -> URI.create((https ? "https" : "http") + "://" + gateway.hostName() + ":"
                        + (https ? gateway.httpsPort() : gateway.httpPort())));
    }

    /** Stores host, port and path of {@code address}; its scheme is not stored (it follows the console TLS). */
    public URI setPublicAddress(String address) {
        URI uri = parse(address);
        settings.put(PUBLIC_ADDRESS, withScheme(uri, false).toString());
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

    static URI withScheme(URI uri, boolean https) {
        try {
            String path = uri.getRawPath() == null || uri.getRawPath().equals("/") ? "" : uri.getRawPath();
            return new URI((https ? "https" : "http") + "://" + uri.getRawAuthority() + path);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
