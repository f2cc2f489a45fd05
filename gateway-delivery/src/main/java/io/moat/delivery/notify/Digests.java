package io.moat.delivery.notify;

import io.moat.persistence.DigestEventEntity;
import io.moat.persistence.DigestEventRepository;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageSpool;
import io.moat.settings.GatewaySettings;
import io.moat.settings.notifications.NotificationSettings;
import io.moat.settings.notifications.NotificationSettings.Kind;
import io.moat.settings.notifications.NotificationSettingsService;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The admins' digest: the events kept since the last one go out in one mail once the oldest of them has waited
 * {@code digestMinutes}, so that the admins get at most one mail per window and the first event of a window waits
 * at most that long. The mail is recorded, and the events it lists removed, in one transaction: a restart loses
 * none and repeats none, and of two nodes only one sends it ({@link DigestEventRepository#take}).
 */
@ApplicationScoped
public class Digests {

    private static final Logger LOG = Logger.getLogger(Digests.class.getName());
    /** The most events one digest lists; more wait for the next (at once: they are due already). */
    static final int MAX_EVENTS = 500;

    @Inject
    DigestEventRepository events;

    @Inject
    MessageRepository messages;

    @Inject
    NotificationSettingsService settings;

    @Inject
    GatewaySettings gateway;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /**
     * Sends the digest if it is due at {@code now}, written to {@code spool} under an id from {@code ids}.
     *
     * @return how many events it told of (0: none was due)
     */
    @Transactional(rollbackOn = IOException.class)
    public int sendDue(MessageSpool spool, Supplier<String> ids, Instant now) throws IOException {
        Instant oldest = events.oldest().orElse(null);
        if (oldest == null) {
            return 0;
        }
        NotificationSettingsService.Applied applied = settings.applied();
        NotificationSettings s = applied.settings();
        if (oldest.plus(Duration.ofMinutes(s.digestMinutes())).isAfter(now)) {
            return 0;
        }
        List<DigestEventEntity> taken = events.take(MAX_EVENTS);
        if (s.admins().isEmpty()) {
            LOG.info(() -> "dropped " + taken.size() + " events of the admins' digest: no admin addresses are set"
                    + " (Settings > Notifications)");
            return taken.size();
        }
        List<Values> listed = taken.stream().map(e -> Values.fromJson(e.getEvent())).toList();
        NotificationTemplates.Rendered words = digest(s, listed, oldest);
        byte[] message = NotificationBuilder.build(gateway.hostName(), s.from(), s.admins(), "digest", words, now);
        MessageSpool.Stored stored = spool.store(ids.get(), new byte[0], new ByteArrayInputStream(message));
        transactions.registerInterposedSynchronization(new Discard(spool, stored.name()));
        spool.syncDirectory();
        Notification mail = new Notification(stored.name(), stored.size(), s.admins(), words.subject(),
                applied.relayProfileId(), NotificationBuilder.eightBit(message),
                "admin digest of " + taken.size() + " events");
        messages.add(mail.record(now));
        LOG.info(() -> "the admins' digest of " + taken.size() + " events is queued as " + stored.name());
        return taken.size();
    }

    /**
     * The digest's words: a line that says how many, then each event in the admin template's text and HTML (without
     * a subject of its own), one after the other.
     */
    static NotificationTemplates.Rendered digest(NotificationSettings s, List<Values> listed, Instant since) {
        String count = listed.size() + (listed.size() == 1 ? " message" : " messages");
        String intro = "Moat did not deliver " + count + " since " + Values.time(since) + ":";
        StringBuilder text = new StringBuilder(intro).append("\n");
        StringBuilder html = new StringBuilder("<p>").append(NotificationTemplates.escape(intro)).append("</p>\n");
        for (Values v : listed) {
            NotificationTemplates.Rendered one = NotificationTemplates.render(s.templates().of(Kind.ADMIN),
                    v.placeholders());
            text.append("\n----------------------------------------------------------------------\n")
                    .append(one.text().strip()).append("\n");
            html.append("<hr>\n").append(one.html().strip()).append("\n");
        }
        return new NotificationTemplates.Rendered("[Moat] " + count + " not delivered since "
                + Values.time(since), text.toString(), html.toString());
    }

    /** Removes the digest's spool file if its transaction does not commit: the events stay for the next try. */
    private record Discard(MessageSpool spool, String name) implements Synchronization {

        @Override
        public void beforeCompletion() {
            // nothing: only the outcome matters
        }

        @Override
        public void afterCompletion(int status) {
            if (status != Status.STATUS_COMMITTED) {
                try {
                    spool.delete(name);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "could not remove the unrecorded digest " + name + " from the spool; the"
                            + " next start moves it to spool/orphaned", e);
                }
            }
        }
    }
}
