package io.moat.smtp.internal;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpMessageListener;
import io.moat.smtp.api.SmtpReply;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;

/**
 * Calls the MDB through the {@link MessageEndpointFactory}: one endpoint per call, always released, and the
 * transacted method bracketed by {@code beforeDelivery}/{@code afterDelivery} so that it returns only after the
 * container committed what the MDB stored.
 */
final class EndpointInvoker {

    private static final Method CHECK_RECIPIENT = method("checkRecipient", SmtpClientInfo.class, String.class,
            String.class);
    private static final Method DELIVER = method("deliver", SmtpEnvelope.class, InputStream.class);

    private final MessageEndpointFactory factory;

    EndpointInvoker(MessageEndpointFactory factory) {
        this.factory = factory;
    }

    SmtpReply checkRecipient(SmtpClientInfo client, String mailFrom, String recipient) throws ResourceException {
        try {
            return invoke(CHECK_RECIPIENT, listener -> listener.checkRecipient(client, mailFrom, recipient));
        } catch (IOException e) {
            throw new ResourceException("recipient check failed", e); // checkRecipient declares none
        }
    }

    /**
     * Hands the message to the MDB and returns its queue id once the transaction has committed.
     *
     * @throws IOException what the MDB threw while reading or storing (e.g. {@code MessageTooLargeException})
     * @throws ResourceException the endpoint could not be reached or the commit failed
     */
    String deliver(SmtpEnvelope envelope, InputStream content) throws IOException, ResourceException {
        return invoke(DELIVER, listener -> listener.deliver(envelope, content));
    }

    private <T> T invoke(Method method, Call<T> call) throws IOException, ResourceException {
        MessageEndpoint endpoint;
        try {
            endpoint = factory.createEndpoint(null);
        } catch (UnavailableException e) {
            throw new ResourceException("the message endpoint is not available", e);
        }
        try {
            boolean transacted = factory.isDeliveryTransacted(method);
            if (transacted) {
                endpoint.beforeDelivery(method);
            }
            T result;
            try {
                result = call.on((SmtpMessageListener) endpoint);
            } finally {
                if (transacted) {
                    // commits, or rolls back what a failed call marked; a failed commit throws here
                    endpoint.afterDelivery();
                }
            }
            return result;
        } catch (NoSuchMethodException e) {
            throw new ResourceException("endpoint does not implement " + method, e);
        } finally {
            endpoint.release();
        }
    }

    private static Method method(String name, Class<?>... types) {
        try {
            return SmtpMessageListener.class.getMethod(name, types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T on(SmtpMessageListener listener) throws IOException;
    }
}
