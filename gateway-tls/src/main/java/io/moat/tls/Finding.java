package io.moat.tls;

import java.util.Objects;

/** Something noticed about a digital ID, in words an operator can act on. */
public record Finding(Severity severity, String message) {

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(message, "message");
    }
}
