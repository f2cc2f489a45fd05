package io.moat.settings.profiles;

import java.util.List;

/**
 * The one listener Core's callbacks arrive on, shared by every Core profile with callbacks on (one owner per
 * socket): the profiles say what it must be, the implementation makes the running server do it.
 */
public interface WebhookListener {

    /**
     * Where and how the listener listens.
     *
     * @param bindAddress an IP address, or null for the server's public interface
     * @param certificateId the stored certificate it serves over TLS, or null for plain HTTP
     * @param protocols the TLS versions; empty for plain HTTP
     */
    record Listening(String bindAddress, int port, String certificateId, List<String> protocols) {
        public Listening {
            protocols = protocols == null ? List.of() : List.copyOf(protocols);
        }

        public boolean tls() {
            return certificateId != null;
        }
    }

    /**
     * Makes the running server listen as {@code wanted} before a profile change is stored, so that a listener the
     * server cannot open refuses the change.
     *
     * @param wanted null: no profile has callbacks on; the webhook port serves as it does by default
     * @throws io.moat.settings.RefusedException when the server could not be changed
     */
    void serve(Listening wanted);
}
