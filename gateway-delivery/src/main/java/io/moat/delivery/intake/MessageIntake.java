package io.moat.delivery.intake;

import io.moat.delivery.commit.DurableCommits;
import io.moat.delivery.commit.Spool;
import io.moat.delivery.pipeline.MessageIds;
import io.moat.delivery.pipeline.MessageSnapshot;
import io.moat.delivery.pipeline.PipelineScheduler;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageSpool;
import io.moat.settings.GatewaySettings;
import io.moat.settings.rules.SecurityRules;
import io.moat.smtp.api.SmtpEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes responsibility for an accepted message: our {@code Received:} header and the raw bytes go to the spool
 * (fsynced; header fields named like ours, {@code X-Moat-*}, removed), then the record to the database. If the record does not commit, the spool file is removed again;
 * once it commits, the pipeline is told there is work.
 */
@ApplicationScoped
public class MessageIntake {

    private static final Logger LOG = Logger.getLogger(MessageIntake.class.getName());
    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.RFC_1123_DATE_TIME;

    @Inject
    GatewaySettings settings;

    @Inject
    Spool spool;

    @Inject
    MessageRepository messages;

    @Inject
    PipelineScheduler pipeline;

    @Inject
    DurableCommits commits;

    @Inject
    SecurityRules rules;

    /**
     * Stores the message and returns its queue id once it is durable: the spool file fsynced, the record committed
     * (in a commit shared with other sessions, {@link DurableCommits}). Must run without a transaction. If the
     * pipeline has room, the record is stored with this node's lease and the message handed to it at once;
     * otherwise it is stored unleased and claimed when due.
     *
     * <p>Recipients that different security rules take are split: one copy (spool file and record) per rule, each
     * with only its recipients, all recorded in one commit, so that each is handled by its own rule and no recipient
     * gets the message twice. The client is told every copy's id.
     *
     * @throws NoRuleException if a recipient accepted at RCPT has no rule any more (the rules changed since)
     */
    public String store(SmtpEnvelope envelope, InputStream content) throws IOException {
        Map<SecurityRules.Matched, List<String>> byRule = byRule(envelope);
        List<Copy> copies = new ArrayList<>();
        try {
            OwnHeaderFilter filtered = new OwnHeaderFilter(content);
            for (Map.Entry<SecurityRules.Matched, List<String>> group : byRule.entrySet()) {
                String id = MessageIds.next();
                byte[] received = receivedHeader(id, envelope, group.getValue()).getBytes(StandardCharsets.US_ASCII);
                MessageSpool.Stored stored;
                if (copies.isEmpty()) {
                    stored = spool.get().store(id, received, filtered);
                } else {
                    Copy first = copies.get(0);
                    try (InputStream again = Files.newInputStream(spool.get().message(first.stored().name()))) {
                        again.skipNBytes(first.received().length);
                        stored = spool.get().store(id, received, again);
                    }
                }
                PipelineScheduler.Lease lease;
                try {
                    lease = pipeline.reserve(id);
                } catch (RuntimeException e) {
                    // not yet among the copies the catch below removes
                    spool.get().delete(id);
                    throw e;
                }
                copies.add(new Copy(id, group.getKey(), group.getValue(), received, stored, lease));
            }
            if (filtered.removed() > 0) {
                LOG.info(() -> "message " + copies.get(0).id() + " from <" + envelope.mailFrom() + "> ("
                        + envelope.client().remoteAddress() + "): removed " + filtered.removed()
                        + " X-Moat-* header field(s) the sender wrote; only the gateway writes those");
            }
            commits.run(() -> {
                for (Copy copy : copies) {
                    MessageEntity message = new MessageEntity(copy.id(), MessageKind.INBOUND, envelope.mailFrom(),
                            copy.recipients(), copy.stored().name(), copy.stored().size(), envelope.receivedAt());
                    message.setClient(envelope.client().endpoint(), envelope.client().remoteAddress(),
                            envelope.client().helo(), envelope.client().tlsProtocol(),
                            envelope.client().tlsCipher());
                    message.setMailParameters(envelope.smtpUtf8(), envelope.eightBitMime());
                    message.setRule(copy.rule().id(), copy.rule().name(), copy.rule().direction().name());
                    if (copy.lease() != null) {
                        message.leaseTo(copy.lease().owner(), copy.lease().until());
                    }
                    messages.add(message);
                    copy.record().set(message);
                }
            });
        } catch (IOException | RuntimeException e) {
            for (Copy copy : copies) {
                if (copy.lease() != null) {
                    pipeline.cancel(copy.id());
                }
                try {
                    spool.get().delete(copy.id());
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
        for (Copy copy : copies) {
            LOG.fine(() -> "stored message " + copy.id() + " from <" + envelope.mailFrom() + "> for "
                    + copy.recipients() + " under security rule '" + copy.rule().name() + "'");
            try {
                if (copy.lease() != null) {
                    pipeline.handOver(MessageSnapshot.of(copy.record().get()), copy.lease());
                } else {
                    pipeline.wakeUp();
                }
            } catch (RuntimeException e) {
                // stored is stored: the client gets its 250, and the message runs when a worker or the next claim
                // gets to it
                LOG.log(Level.WARNING, "message " + copy.id() + " is stored, but the pipeline could not take it now;"
                        + " it is run when a worker is free, or claimed again once its lease has run out", e);
            }
        }
        return String.join(" ", copies.stream().map(Copy::id).toList());
    }

    /** One copy of an accepted message: the recipients one rule takes. */
    private record Copy(String id, SecurityRules.Matched rule, List<String> recipients, byte[] received,
            MessageSpool.Stored stored, PipelineScheduler.Lease lease, AtomicReference<MessageEntity> record) {

        Copy(String id, SecurityRules.Matched rule, List<String> recipients, byte[] received,
                MessageSpool.Stored stored, PipelineScheduler.Lease lease) {
            this(id, rule, recipients, received, stored, lease, new AtomicReference<>());
        }
    }

    /** The recipients grouped by the rule that takes each, in the order of the first recipient of each rule. */
    private Map<SecurityRules.Matched, List<String>> byRule(SmtpEnvelope envelope) throws NoRuleException {
        SecurityRules.Envelope from = new SecurityRules.Envelope(envelope.client().endpoint(),
                envelope.client().remoteAddress(), envelope.mailFrom());
        Map<SecurityRules.Matched, List<String>> byRule = new LinkedHashMap<>();
        for (String recipient : envelope.recipients()) {
            SecurityRules.Matched rule = rules.match(from, recipient).orElseThrow(() -> new NoRuleException(
                    "no security rule takes <" + recipient + "> any more (the rules changed after RCPT); the client"
                            + " is told to try again later"));
            byRule.computeIfAbsent(rule, k -> new ArrayList<>()).add(recipient);
        }
        return byRule;
    }

    /** A recipient accepted at RCPT that no rule takes at DATA: the client tries again (and is refused at RCPT). */
    public static final class NoRuleException extends IOException {
        private static final long serialVersionUID = 1L;

        NoRuleException(String message) {
            super(message);
        }
    }

    /**
     * RFC 5321 section 4.4 trace header, written before the client's bytes; {@code with UTF8SMTP(S)} for a message
     * the client declared SMTPUTF8 for (RFC 6531 4.3).
     */
    String receivedHeader(String id, SmtpEnvelope envelope, List<String> recipients) {
        String helo = envelope.client().helo() == null ? "unknown" : sanitize(envelope.client().helo());
        String protocol = (envelope.smtpUtf8() ? "UTF8SMTP" : "ESMTP")
                + (envelope.client().tlsProtocol() == null ? "" : "S");
        StringBuilder header = new StringBuilder("Received: from ").append(helo)
                .append(" ([").append(envelope.client().remoteAddress()).append("])\r\n\tby ")
                .append(sanitize(settings.hostName())).append(" (Moat) with ").append(protocol);
        if (envelope.client().tlsProtocol() != null) {
            header.append(" (").append(envelope.client().tlsProtocol()).append(' ')
                    .append(envelope.client().tlsCipher()).append(')');
        }
        header.append(" id ").append(id);
        if (recipients.size() == 1) {
            header.append("\r\n\tfor <").append(sanitize(recipients.get(0))).append('>');
        }
        header.append(";\r\n\t").append(RFC5322.format(envelope.receivedAt().atZone(ZoneOffset.UTC))).append("\r\n");
        return header.toString();
    }

    /** Keeps client-supplied text from breaking the header: printable ASCII only, no parentheses. */
    private static String sanitize(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            clean.append(c > 32 && c < 127 && c != '(' && c != ')' ? c : '_');
        }
        return clean.toString();
    }
}
