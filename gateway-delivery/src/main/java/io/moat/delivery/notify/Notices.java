package io.moat.delivery.notify;

import io.moat.persistence.MessageSpool;
import java.io.IOException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a held message's notifications are: the mails written to the spool, and the events kept for the admins' next
 * digest. Recorded with the held state ({@link NotificationRecords}), in its transaction.
 */
public record Notices(List<Notification> mails, List<DigestEvent> digestEvents) {

    private static final Logger LOG = Logger.getLogger(Notices.class.getName());

    /** Nobody to tell. */
    public static final Notices NONE = new Notices(List.of(), List.of());

    public Notices {
        mails = List.copyOf(mails);
        digestEvents = List.copyOf(digestEvents);
    }

    /** An event for the admins' next digest. */
    public record DigestEvent(String messageId, Values values) {
    }

    public boolean isEmpty() {
        return mails.isEmpty() && digestEvents.isEmpty();
    }

    /**
     * Removes the spool files of the mails, which will not be recorded (their transaction failed): a file without a
     * record would otherwise wait for the start-up's reconciliation. A file that cannot be removed now is left to it.
     */
    public void discard(MessageSpool spool) {
        for (Notification mail : mails) {
            try {
                spool.delete(mail.id());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "could not remove the unrecorded notification " + mail.id() + " from the spool;"
                        + " the next start moves it to spool/orphaned", e);
            }
        }
    }
}
