package io.moat.smtp;

import io.moat.smtp.api.SmtpAdapterControl;
import io.moat.smtp.api.SmtpEndpointConfig;
import io.moat.smtp.api.SmtpEndpointStatus;
import io.moat.smtp.internal.SmtpListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * Owns the SMTP listeners, one per endpoint the application applies through {@link SmtpAdapterControl}. Messages
 * go to the activated MDB; until it is activated the wanted endpoints are kept and started then. The control is
 * registered while the adapter runs (ADR 0009). Each listener binds and accepts on its own port and runs its
 * sessions on threads of its own, as many as the endpoint takes connections, not on the container's
 * {@code WorkManager} (ADR 0021, ADR 0027). A changed endpoint's old listener closes its port before the new one
 * binds it, and its sessions finish after the new one accepts.
 */
public final class SmtpResourceAdapter implements ResourceAdapter, SmtpAdapterControl {

    private static final Logger LOG = Logger.getLogger(SmtpResourceAdapter.class.getName());

    private final Map<String, SmtpListener> listeners = new LinkedHashMap<>();
    private final Map<String, SmtpEndpointStatus> failed = new LinkedHashMap<>();
    private List<SmtpEndpointConfig> wanted = List.of();
    private MessageEndpointFactory factory;
    private ActivationSpec activation;

    @Override
    public synchronized void start(BootstrapContext context) throws ResourceAdapterInternalException {
        SmtpAdapterControl.register(this);
        LOG.info("Moat SMTP resource adapter started");
    }

    @Override
    public synchronized void stop() {
        SmtpAdapterControl.register(null);
        stopAll();
        LOG.info("Moat SMTP resource adapter stopped");
    }

    @Override
    public synchronized void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec)
            throws ResourceException {
        if (!(spec instanceof SmtpActivationSpec)) {
            throw new ResourceException("unsupported activation spec " + spec.getClass().getName());
        }
        if (this.factory != null) {
            throw new ResourceException("the SMTP adapter serves one MDB; " + this.factory.getActivationName()
                    + " is already activated");
        }
        this.factory = factory;
        this.activation = spec;
        apply(wanted);
    }

    @Override
    public synchronized void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        if (this.factory == factory && this.activation == spec) {
            stopAll();
            this.factory = null;
            this.activation = null;
        }
    }

    @Override
    public synchronized List<SmtpEndpointStatus> apply(List<SmtpEndpointConfig> endpoints) {
        wanted = List.copyOf(endpoints);
        if (factory == null) {
            return status();
        }
        Map<String, SmtpEndpointConfig> byName = new LinkedHashMap<>();
        endpoints.forEach(e -> byName.put(e.name(), e));
        List<SmtpListener> leaving = new ArrayList<>();
        for (String name : new ArrayList<>(listeners.keySet())) {
            SmtpEndpointConfig next = byName.get(name);
            if (next == null || !next.equals(listeners.get(name).config())) {
                SmtpListener old = listeners.remove(name);
                old.stopAccepting(); // the port is free at once, for the endpoint's new listener
                leaving.add(old);
            }
        }
        failed.clear();
        for (SmtpEndpointConfig endpoint : endpoints) {
            if (listeners.containsKey(endpoint.name())) {
                continue;
            }
            try {
                SmtpListener listener = new SmtpListener(endpoint, factory);
                listener.start();
                listeners.put(endpoint.name(), listener);
            } catch (ResourceException | RuntimeException e) {
                LOG.severe(() -> e.getMessage());
                failed.put(endpoint.name(), new SmtpEndpointStatus(endpoint.name(), false, endpoint.port(),
                        e.getMessage(), 0, 0));
            }
        }
        leaving.forEach(SmtpListener::stop); // their sessions in flight finish while the new listeners accept
        return status();
    }

    @Override
    public synchronized List<SmtpEndpointStatus> status() {
        List<SmtpEndpointStatus> status = new ArrayList<>();
        for (SmtpEndpointConfig endpoint : wanted) {
            SmtpListener listener = listeners.get(endpoint.name());
            if (listener != null) {
                status.add(listener.status());
            } else {
                // not listening yet without a problem: the MDB is not activated yet (it comes right after)
                status.add(failed.getOrDefault(endpoint.name(), new SmtpEndpointStatus(endpoint.name(), false,
                        endpoint.port(), null, 0, 0)));
            }
        }
        return status;
    }

    /** Closes every port at once, then lets each listener's sessions finish. */
    private void stopAll() {
        listeners.values().forEach(SmtpListener::stopAccepting);
        listeners.values().forEach(SmtpListener::stop);
        listeners.clear();
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    // The adapter has no configuration of its own; all instances are interchangeable.
    @Override
    public boolean equals(Object other) {
        return other instanceof SmtpResourceAdapter;
    }

    @Override
    public int hashCode() {
        return SmtpResourceAdapter.class.hashCode();
    }
}
