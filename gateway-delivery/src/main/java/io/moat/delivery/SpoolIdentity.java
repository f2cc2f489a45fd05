package io.moat.delivery;

import io.moat.persistence.SettingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Which spool the database's records belong to (ADR 44): the first start records the spool's identity, and every
 * later start of any node must find the same in its data directory. A node that sees another spool (a shared data
 * directory not mounted, a backup of one restored beside the other) would take every message the other nodes hold
 * for lost, fail it and send its sender a DSN: it is refused instead.
 */
@ApplicationScoped
public class SpoolIdentity {

    static final String SETTING = "spool.id";

    @Inject
    SettingRepository settings;

    /** The identity the database records, recording {@code found} when it records none yet. */
    @Transactional
    public String recorded(String found) {
        return settings.get(SETTING).orElseGet(() -> {
            settings.put(SETTING, found);
            return found;
        });
    }

    /**
     * @throws IllegalStateException unless {@code found} is the spool the records belong to (its message says what to
     *                               do)
     */
    static void check(String found, String recorded, String dataDirectory) {
        if (!found.equals(recorded)) {
            throw new IllegalStateException("the spool in " + dataDirectory + " (id " + found + ") is not the one the"
                    + " database's messages are in (id " + recorded + "): every node must see the same data directory"
                    + " (mount the shared MOAT_DATA_DIR), and a restored database needs the spool of the same backup."
                    + " Nothing was changed");
        }
    }
}
