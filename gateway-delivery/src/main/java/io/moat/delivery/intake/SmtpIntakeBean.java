package io.moat.delivery.intake;

import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.smtp.api.SmtpClientInfo;
import io.moat.smtp.api.SmtpEnvelope;
import io.moat.smtp.api.SmtpMessageListener;
import io.moat.smtp.api.SmtpReply;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;

/**
 * The SMTP listeners' MDB: relay decisions at RCPT (by the rules of the endpoint the client came in on), and
 * storing each accepted message, returning only once it is durable, so that the client hears {@code 250} only
 * then. It only hands work to application services. Bound to {@code #gateway-smtp.rar}
 * in {@code jboss-ejb3.xml}; which endpoints listen is applied by {@link SmtpEndpointService}.
 */
@MessageDriven(name = "SmtpIntake", messageListenerInterface = SmtpMessageListener.class)
public class SmtpIntakeBean implements SmtpMessageListener {

    @Inject
    MessageIntake intake;

    @Inject
    SmtpEndpointService endpoints;

    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public SmtpReply checkRecipient(SmtpClientInfo client, String recipient) {
        return endpoints.relayPolicy(client.endpoint()).check(client, recipient);
    }

    /** Not transacted: the intake commits the record in a commit shared with other sessions (ADR 13). */
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String deliver(SmtpEnvelope envelope, InputStream content) throws IOException {
        return intake.store(envelope, content);
    }

}
