package io.moat.delivery.intake;

import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.settings.rules.SecurityRuleService;
import io.moat.settings.rules.SecurityRules;
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
import java.util.logging.Logger;

/**
 * The SMTP listeners' MDB: relay and security-rule decisions at RCPT (by the endpoint the client came in on), and
 * storing each accepted message, returning only once it is durable, so that the client hears {@code 250} only
 * then. It only hands work to application services. Bound to {@code #gateway-smtp.rar}
 * in {@code jboss-ejb3.xml}; which endpoints listen is applied by {@link SmtpEndpointService}.
 */
@MessageDriven(name = "SmtpIntake", messageListenerInterface = SmtpMessageListener.class)
public class SmtpIntakeBean implements SmtpMessageListener {

    private static final Logger LOG = Logger.getLogger(SmtpIntakeBean.class.getName());
    private static final SmtpReply NO_RULE = new SmtpReply(550, "5.7.1", "no security rule takes this recipient");

    @Inject
    MessageIntake intake;

    @Inject
    SmtpEndpointService endpoints;

    @Inject
    SecurityRuleService rules;

    /**
     * The endpoint's relay control first (a rule never opens a relay), then the security rules: a recipient no
     * enabled rule takes is refused, and counted.
     */
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public SmtpReply checkRecipient(SmtpClientInfo client, String mailFrom, String recipient) {
        SmtpReply relay = endpoints.relayPolicy(client.endpoint()).check(client, recipient);
        if (relay != null) {
            return relay;
        }
        if (rules.match(new SecurityRules.Envelope(client.endpoint(), client.remoteAddress(), mailFrom), recipient)
                .isEmpty()) {
            rules.refusedWithoutRule();
            LOG.info(() -> "refused RCPT <" + recipient + "> from <" + mailFrom + "> (" + client.remoteAddress()
                    + ", endpoint '" + client.endpoint() + "'): no security rule takes it; add or change one under"
                    + " Settings > Security rules (/api/v1/security-rules/evaluate shows which rule takes what)");
            return NO_RULE;
        }
        return null;
    }

    /** Not transacted: the intake commits the record in a commit shared with other sessions (ADR 13). */
    @Override
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public String deliver(SmtpEnvelope envelope, InputStream content) throws IOException {
        return intake.store(envelope, content);
    }

}
