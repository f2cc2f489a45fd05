package io.moat.smtp.internal;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpMessageListener;
import io.moat.smtp.api.SmtpReply;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.xa.XAResource;

/** The container side of the MDB: records the protocol (create, before, call, after, release) and what it got. */
final class FakeEndpointFactory implements MessageEndpointFactory {

    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<SmtpEnvelope> envelopes = new CopyOnWriteArrayList<>();
    final List<String> contents = new CopyOnWriteArrayList<>();
    volatile SmtpReply recipientReply;
    volatile boolean failCommit;

    @Override
    public MessageEndpoint createEndpoint(XAResource resource) {
        return new Endpoint();
    }

    @Override
    public MessageEndpoint createEndpoint(XAResource resource, long timeout) {
        return new Endpoint();
    }

    @Override
    public boolean isDeliveryTransacted(Method method) {
        return method.getName().equals("deliver");
    }

    @Override
    public String getActivationName() {
        return "test";
    }

    @Override
    public Class<?> getEndpointClass() {
        return Endpoint.class;
    }

    private final class Endpoint implements MessageEndpoint, SmtpMessageListener {
        private boolean failed;

        @Override
        public SmtpReply checkRecipient(SmtpClientInfo client, String mailFrom, String recipient) {
            calls.add("checkRecipient");
            return recipientReply;
        }

        @Override
        public String deliver(SmtpEnvelope envelope, InputStream content) throws IOException {
            calls.add("deliver");
            String text;
            try {
                text = new String(content.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                failed = true; // the container rolls back what the MDB stored
                throw e;
            }
            envelopes.add(envelope);
            contents.add(text);
            return "q-" + envelopes.size();
        }

        @Override
        public void beforeDelivery(Method method) {
            calls.add("before");
        }

        @Override
        public void afterDelivery() throws ResourceException {
            calls.add(failed ? "rollback" : "after");
            if (failCommit && !failed) {
                throw new ResourceException("commit failed");
            }
        }

        @Override
        public void release() {
            calls.add("release");
        }
    }
}
