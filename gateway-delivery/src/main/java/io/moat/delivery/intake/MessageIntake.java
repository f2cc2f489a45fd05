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
import io.moat.smtp.api.SmtpEnvelope;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

    /**
     * Stores the message and returns its queue id once it is durable: the spool file fsynced, the record committed
     * (in a commit shared with other sessions, {@link DurableCommits}). Must run without a transaction. If the
     * pipeline has room, the record is stored with this node's lease and the message handed to it at once;
     * otherwise it is stored unleased and claimed when due.
     */
    public String store(SmtpEnvelope envelope, InputStream content) throws IOException {
        String id = MessageIds.next();
        byte[] received = receivedHeader(id, envelope).getBytes(StandardCharsets.US_ASCII);
        OwnHeaderFilter filtered = new OwnHeaderFilter(content);
        MessageSpool.Stored stored = spool.get().store(id, received, filtered);
        if (filtered.removed() > 0) {
            LOG.info(() -> "message " + id + " from <" + envelope.mailFrom() + "> (" + envelope.client().remoteAddress()
                    + "): removed " + filtered.removed() + " X-Moat-* header field(s) the sender wrote;"
                    + " only the gateway writes those");
        }
        PipelineScheduler.Lease lease = pipeline.reserve(id);
        AtomicReference<MessageEntity> record = new AtomicReference<>();
        try {
            commits.run(() -> {
                MessageEntity message = new MessageEntity(id, MessageKind.INBOUND, envelope.mailFrom(),
                        envelope.recipients(), stored.name(), stored.size(), envelope.receivedAt());
                message.setClient(envelope.client().endpoint(), envelope.client().remoteAddress(),
                        envelope.client().helo(), envelope.client().tlsProtocol(), envelope.client().tlsCipher());
                message.setMailParameters(envelope.smtpUtf8(), envelope.eightBitMime());
                if (lease != null) {
                    message.leaseTo(lease.owner(), lease.until());
                }
                messages.add(message);
                record.set(message);
            });
        } catch (RuntimeException e) {
            if (lease != null) {
                pipeline.cancel(id);
            }
            try {
                spool.get().delete(id);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        LOG.fine(() -> "stored message " + id + " from <" + envelope.mailFrom() + "> for " + envelope.recipients());
        try {
            if (lease != null) {
                pipeline.handOver(MessageSnapshot.of(record.get()), lease);
            } else {
                pipeline.wakeUp();
            }
        } catch (RuntimeException e) {
            // stored is stored: the client gets its 250, and the message runs when a worker or the next claim gets to it
            LOG.log(Level.WARNING, "message " + id + " is stored, but the pipeline could not take it now; it is run"
                    + " when a worker is free, or claimed again once its lease has run out", e);
        }
        return id;
    }

    /**
     * RFC 5321 section 4.4 trace header, written before the client's bytes; {@code with UTF8SMTP(S)} for a message
     * the client declared SMTPUTF8 for (RFC 6531 4.3).
     */
    String receivedHeader(String id, SmtpEnvelope envelope) {
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
        if (envelope.recipients().size() == 1) {
            header.append("\r\n\tfor <").append(sanitize(envelope.recipients().get(0))).append('>');
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
