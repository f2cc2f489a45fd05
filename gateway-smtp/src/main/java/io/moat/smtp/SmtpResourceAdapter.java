package io.moat.smtp;

import io.moat.smtp.internal.SmtpListener;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.transaction.xa.XAResource;

/**
 * Owns the SMTP listeners: one per endpoint activation, kept in a concurrent map and stopped on deactivation or
 * adapter stop (sessions in flight are closed by subethasmtp's shutdown).
 */
public final class SmtpResourceAdapter implements ResourceAdapter {

    private static final Logger LOG = Logger.getLogger(SmtpResourceAdapter.class.getName());

    private final Map<ActivationKey, SmtpListener> listeners = new ConcurrentHashMap<>();
    private volatile WorkManager workManager;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        this.workManager = context.getWorkManager();
        LOG.info("Moat SMTP resource adapter started");
    }

    @Override
    public void stop() {
        listeners.values().forEach(SmtpListener::stop);
        listeners.clear();
        LOG.info("Moat SMTP resource adapter stopped");
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof SmtpActivationSpec smtpSpec)) {
            throw new ResourceException("unsupported activation spec " + spec.getClass().getName());
        }
        smtpSpec.validate();
        SmtpListener listener = new SmtpListener(smtpSpec.toConfig(), factory, workManager);
        listener.start();
        listeners.put(new ActivationKey(factory, spec), listener);
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        SmtpListener listener = listeners.remove(new ActivationKey(factory, spec));
        if (listener != null) {
            listener.stop();
        }
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

    /** Identity of an activation: the factory and spec objects themselves, as the container passes them again. */
    private record ActivationKey(MessageEndpointFactory factory, ActivationSpec spec) {
        ActivationKey {
            Objects.requireNonNull(factory);
            Objects.requireNonNull(spec);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof ActivationKey key && key.factory == factory && key.spec == spec;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(factory) * 31 + System.identityHashCode(spec);
        }
    }
}
