package io.moat.persistence;

/**
 * Whether a message came in over SMTP or was made by the gateway: a delivery status notification, or a notification
 * about a message it holds (to a recipient, its sender or the admins). The gateway's own messages are never scanned,
 * never notified about and never bounced with a DSN.
 */
public enum MessageKind {
    INBOUND, DSN, NOTIFICATION;

    /** Whether the gateway made the message itself (a DSN or a notification). */
    public boolean isOwn() {
        return this != INBOUND;
    }
}
