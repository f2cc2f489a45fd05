package io.moat.tls;

/** How bad a {@link Finding} is: an ERROR makes the digital ID unusable, a WARNING is worth fixing. */
public enum Severity {
    ERROR, WARNING
}
