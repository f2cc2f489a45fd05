package io.moat.tls;

import java.util.List;
import java.util.Objects;

/** A parsed digital ID and what the parser noticed, e.g. that the chain was out of order and has been put in order. */
public record ParsedId(DigitalId id, List<Finding> findings) {

    public ParsedId {
        Objects.requireNonNull(id, "id");
        findings = List.copyOf(findings);
    }
}
