package io.moat.smtp.api;

import java.io.IOException;

/** Thrown by the message stream when the client sends more than the endpoint's maximum message size. */
public final class MessageTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long limit;

    public MessageTooLargeException(long limit) {
        super("message exceeds the size limit of " + limit + " bytes");
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
