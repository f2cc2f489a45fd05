package io.moat.settings.profiles;

import java.util.List;

/** Where the pipeline sends a recipient: all it needs of the server profiles to deliver. */
public interface RecipientRoutes {

    /**
     * The servers to try for {@code recipient}, in order: the SMTP profile routing its domain, else the default one.
     *
     * @throws IllegalStateException when there is no SMTP profile at all
     */
    Route route(String recipient);

    /**
     * The servers of the SMTP profile with id {@code profileId} (a security rule's relay profile), or, when it is
     * null, {@link #route(String)}.
     *
     * @throws IllegalStateException when that profile is gone
     */
    Route route(String recipient, String profileId);

    /** A profile's name and its servers in the order to try them. */
    record Route(String profile, List<SmtpTarget> targets) {
    }
}
