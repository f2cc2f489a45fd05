package io.moat.persistence;

/** Whether a message came in over SMTP or was made by the gateway (a delivery status notification). */
public enum MessageKind {
    INBOUND, DSN
}
