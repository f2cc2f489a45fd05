package io.moat.settings.rules;

import io.moat.settings.rules.SecurityRule.Blocked;
import io.moat.settings.rules.SecurityRule.Cdr;
import io.moat.settings.rules.SecurityRule.Direction;
import io.moat.settings.rules.SecurityRule.Encrypted;
import io.moat.settings.rules.SecurityRule.Marks;
import io.moat.settings.rules.SecurityRule.ScanError;
import java.time.Duration;
import java.util.Optional;

/** All the intake and the pipeline need of the security rules: which rule takes a recipient, and what it says. */
public interface SecurityRules {

    /** The first enabled rule that takes {@code recipient} of this envelope, or empty (refused at RCPT). */
    Optional<Matched> match(Envelope envelope, String recipient);

    /**
     * The rule with id {@code ruleId} as it is now, its profiles as ids. A rule deleted while its mail is still on
     * its way gives {@link Applied#standIn(String)}: the default rule's actions, no marks, routing by domain.
     */
    Applied applied(String ruleId, String ruleName);

    /** The rule named {@code name} (enabled or not) as it is now, or empty: an admin's choice for a rescan. */
    Optional<Applied> named(String name);

    /** Who sent a message, and how it came in. */
    record Envelope(String endpoint, String clientAddress, String sender) {
    }

    /** A rule that took a recipient. */
    record Matched(String id, String name, Direction direction) {
    }

    /**
     * What the pipeline applies.
     *
     * @param coreProfileId  null: the default Core profile
     * @param coreRule       null: the profile's own rule
     * @param relayProfileId null: the SMTP profile routing the recipient's domain, else the default one
     * @param scanErrorAfter null: {@code moat.scan.max-time}
     * @param cdr            Deep CDR: never null ({@link Cdr#OFF} when not used)
     */
    record Applied(String id, String name, Direction direction, String coreProfileId, String coreRule,
            String relayProfileId, boolean scanBody, Blocked blocked, Encrypted encrypted, ScanError scanError,
            Duration scanErrorAfter, Marks marks, Cdr cdr) {

        /** For mail whose rule was deleted: what the default rule did when rules came. */
        public static Applied standIn(String name) {
            return new Applied(null, name == null ? "(none)" : name + " (deleted)", Direction.INBOUND, null, null,
                    null, true, Blocked.QUARANTINE, Encrypted.QUARANTINE, ScanError.RETRY, null,
                    new Marks(null, null, null, null), Cdr.OFF);
        }
    }
}
