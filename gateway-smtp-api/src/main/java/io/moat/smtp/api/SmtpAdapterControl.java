package io.moat.smtp.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The SMTP resource adapter's control interface: the application applies the stored endpoint set, the adapter
 * owns the listeners. The adapter registers its control when it starts and withdraws it when it stops (both live
 * in the same EAR; see ADR 0009 for why this is not a JNDI-bound administered object).
 */
public interface SmtpAdapterControl {

    /**
     * Makes the listeners exactly {@code endpoints}, by name: a new one starts listening; a removed one stops
     * accepting, and its sessions in flight finish; a changed one is restarted the same way. An endpoint whose
     * only change is in its (shared, mutable) TLS context keeps running. Until the message endpoint (the MDB) is
     * activated the set is kept and started then.
     *
     * @return the status of each endpoint after applying, including those that could not listen and why
     */
    List<SmtpEndpointStatus> apply(List<SmtpEndpointConfig> endpoints);

    /** The status of each endpoint now. */
    List<SmtpEndpointStatus> status();

    /** The control of the running adapter, if it is running. */
    static Optional<SmtpAdapterControl> current() {
        return Optional.ofNullable(Registry.CURRENT.get());
    }

    /** For the adapter: registers (or, with {@code null}, withdraws) its control. */
    static void register(SmtpAdapterControl control) {
        Registry.CURRENT.set(control);
    }

    /** Holder of the running adapter's control. */
    final class Registry {
        private static final AtomicReference<SmtpAdapterControl> CURRENT = new AtomicReference<>();

        private Registry() {
        }
    }
}
