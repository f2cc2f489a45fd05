package io.moat.delivery;

import io.moat.persistence.MessageRepository;
import io.moat.persistence.SettingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;

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

    @Inject
    MessageRepository messages;

    /** A start refused: the spool is not this database's. */
    public static final class Refused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /**
     * The identity the database records, recording {@code found} when it records none yet: on a first start, or the
     * first start of a build that records it. A database that records none and holds no message beside a spool that
     * holds messages is another database than the spool's (a wrong {@code moat.db.url}, a new database): refused, or
     * this node would take the spool's messages for orphans.
     *
     * @throws Refused in that case
     */
    @Transactional
    public String recorded(String found, boolean spoolHoldsMessages) {
        Optional<String> recorded = settings.get(SETTING);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        if (spoolHoldsMessages && !messages.holdsAny()) {
            throw new Refused("the database holds no message and no record of a spool, but the spool (id " + found
                    + ") holds messages: this is not the spool's database. Check moat.db.url (MOAT_DB_URL); a new"
                    + " database needs an empty spool. Nothing was changed");
        }
        settings.put(SETTING, found);
        return found;
    }

    /**
     * @throws Refused unless {@code found} is the spool the records belong to (its message says what to do)
     */
    static void check(String found, String recorded, String dataDirectory) {
        if (!found.equals(recorded)) {
            throw new Refused("the spool in " + dataDirectory + " (id " + found + ") is not the one the"
                    + " database's messages are in (id " + recorded + "): every node must see the same data directory"
                    + " (mount the shared MOAT_DATA_DIR), and a restored database needs the spool of the same backup."
                    + " Nothing was changed");
        }
    }
}
