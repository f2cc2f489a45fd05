package io.moat.persistence.migration;

/** The schema could not be brought up to date; the message says why and what the operator does about it. */
public final class SchemaMigrationException extends Exception {

    private static final long serialVersionUID = 1L;

    SchemaMigrationException(String message, Throwable cause) {
        super(message, cause);
    }

    SchemaMigrationException(String message) {
        super(message);
    }
}
