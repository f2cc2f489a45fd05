package io.moat.delivery;

import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpMessageListener;
import io.moat.smtp.api.SmtpReply;
import io.moat.tls.ServerTlsContext;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;

/**
 * The SMTP listener's MDB: relay decisions at RCPT, and storing each accepted message in one transaction that the
 * adapter brackets, so that the client hears {@code 250} only once the message is durable. It only hands work to
 * application services. Bound to {@code #gateway-smtp.rar} in {@code jboss-ejb3.xml}; the activation values are
 * WildFly expressions over the same keys MicroProfile Config reads.
 */
@MessageDriven(name = "SmtpIntake", messageListenerInterface = SmtpMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "endpointName", propertyValue = "default"),
        @ActivationConfigProperty(propertyName = "port", propertyValue = "${moat.smtp.port,env.MOAT_SMTP_PORT:2525}"),
        @ActivationConfigProperty(propertyName = "bindAddress", propertyValue = "${moat.smtp.bind-address,env.MOAT_SMTP_BIND_ADDRESS:0.0.0.0}"),
        @ActivationConfigProperty(propertyName = "hostName", propertyValue = "${moat.hostname,env.MOAT_HOSTNAME:}"),
        @ActivationConfigProperty(propertyName = "maxMessageSize", propertyValue = "${moat.smtp.max-message-size,env.MOAT_SMTP_MAX_MESSAGE_SIZE:52428800}")})
public class SmtpIntakeBean implements SmtpMessageListener {

    @Inject
    MessageIntake intake;

    @Inject
    RelayPolicyHolder relayPolicy;

    @Inject
    DigitalIdService digitalIds;

    @Resource
    MessageDrivenContext context;

    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public SmtpReply checkRecipient(SmtpClientInfo client, String recipient) {
        return relayPolicy.get().check(client, recipient);
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public String deliver(SmtpEnvelope envelope, InputStream content) throws IOException {
        try {
            return intake.store(envelope, content);
        } catch (IOException | RuntimeException e) {
            context.setRollbackOnly();
            throw e;
        }
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public ServerTlsContext serverTls(String endpoint) {
        return digitalIds.smtpServerTls();
    }
}
