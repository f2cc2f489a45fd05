package io.moat.web;

import java.util.List;
import java.util.Map;

/** The bodies the quarantine's actions take; each is optional where the API says so. */
public final class QuarantineRequests {

    private QuarantineRequests() {
    }

    /** {@code recipients}: null or empty for all of the message's held recipients. */
    public record Release(List<String> recipients) {
    }

    /**
     * {@code passwords}: by attachment file name, for encrypted attachments (never stored or logged); {@code rule}: a
     * security rule's name to scan under instead of the message's own.
     */
    public record Rescan(Map<String, String> passwords, String rule) {

        /** Like the generated form, but the passwords are only counted. */
        @Override
        public String toString() {
            return "Rescan[passwords=(" + (passwords == null ? 0 : passwords.size()) + " hidden), rule=" + rule + "]";
        }
    }

    public record Forward(String to) {
    }

    /** {@code action}: RELEASE, RESCAN or DELETE, on each of {@code ids}. */
    public record Bulk(String action, List<String> ids) {
    }

    /** One message's result in a bulk action: its HTTP status as a single action would have answered, and why. */
    public record BulkResult(String id, int status, String detail) {
    }

    /** A forward's or a release's answer: the id of the message that goes out. */
    public record Forwarded(String message) {
    }
}
