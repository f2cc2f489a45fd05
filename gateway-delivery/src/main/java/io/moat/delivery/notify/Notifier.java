package io.moat.delivery.notify;

import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.notifications.NotificationSettings;
import io.moat.settings.notifications.NotificationSettings.Kind;
import io.moat.settings.notifications.NotificationSettingsService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Decides who is told about a held message and writes their notifications to the spool (Settings &gt;
 * Notifications): each recipient, with the rescan link where a password would help; the sender, never the null
 * sender; the admins when they are told of its outcome, at once or in their next digest. Nothing is said about a
 * message of the gateway's own (a DSN or a notification). The caller records what this returns with the held state,
 * in one transaction ({@link NotificationRecords}), or {@linkplain Notices#discard discards} it.
 */
@ApplicationScoped
public class Notifier {

    /**
     * Recipients of one held message told at most: one message to a thousand addresses must not become a thousand
     * notices (and links) in the transaction that holds it.
     */
    static final int MAX_RECIPIENT_NOTICES = 50;
    private static final Logger LOG = Logger.getLogger(Notifier.class.getName());

    @Inject
    NotificationSettingsService settings;

    @Inject
    RescanLinks links;

    @Inject
    GatewaySettings gateway;

    /**
     * The notifications about {@code held}, written to {@code spool} under ids from {@code ids}.
     *
     * @throws IOException if one could not be written (none of them is left in the spool then)
     */
    public Notices held(Held held, MessageSpool spool, Supplier<String> ids) throws IOException {
        if (held.kind().isOwn()) {
            return Notices.NONE;
        }
        NotificationSettingsService.Applied applied = settings.applied();
        NotificationSettings s = applied.settings();
        String relay = applied.relayProfileId() != null ? applied.relayProfileId() : held.ruleRelayProfileId();
        Instant now = Instant.now();
        List<Notification> mails = new ArrayList<>();
        List<Notices.DigestEvent> digest = new ArrayList<>();
        try {
            if (held.isHeld() && s.recipient()) {
                if (held.recipients().size() > MAX_RECIPIENT_NOTICES) {
                    LOG.warning(() -> "message " + held.messageId() + " is held for " + held.recipients().size()
                            + " recipients; only the first " + MAX_RECIPIENT_NOTICES + " are told (a mass mailing"
                            + " must not become as many notices); see it in the quarantine");
                }
                for (String recipient : held.recipients().stream().limit(MAX_RECIPIENT_NOTICES).toList()) {
                    RescanLinks.Link link = held.state() == MessageState.PASSWORD_REQUIRED
                            ? links.linkFor(held.messageId(), recipient).orElse(null)
                            : null;
                    mails.add(write(spool, ids.get(), s, Kind.RECIPIENT, List.of(recipient),
                            Values.of(held, recipient, link), relay, now, held));
                }
            }
            if (held.isHeld() && s.sender() && !held.sender().isEmpty()) {
                mails.add(write(spool, ids.get(), s, Kind.SENDER, List.of(held.sender()),
                        Values.of(held, String.join(", ", held.recipients()), null), relay, now, held));
            }
            if (!s.admins().isEmpty() && s.adminOutcomes().contains(held.outcome())) {
                Values values = Values.of(held, String.join(", ", held.recipients()), null);
                if (s.digestMinutes() == 0) {
                    mails.add(write(spool, ids.get(), s, Kind.ADMIN, s.admins(), values, relay, now, held));
                } else {
                    digest.add(new Notices.DigestEvent(held.messageId(), values));
                }
            }
        } catch (IOException | RuntimeException e) {
            new Notices(mails, List.of()).discard(spool);
            throw e;
        }
        return new Notices(mails, digest);
    }

    private Notification write(MessageSpool spool, String id, NotificationSettings s, Kind kind, List<String> to,
            Values values, String relay, Instant now, Held held) throws IOException {
        NotificationTemplates.Rendered words = NotificationTemplates.render(s.templates().of(kind),
                values.placeholders());
        byte[] message = NotificationBuilder.build(gateway.hostName(), s.from(), to, header(kind), words, now);
        MessageSpool.Stored stored = spool.store(id, new byte[0], new ByteArrayInputStream(message));
        return new Notification(stored.name(), stored.size(), to, words.subject(), relay,
                NotificationBuilder.eightBit(message), header(kind) + " notice about message " + held.messageId());
    }

    /** The kind as {@code X-Moat-Notification} names it. */
    static String header(Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
