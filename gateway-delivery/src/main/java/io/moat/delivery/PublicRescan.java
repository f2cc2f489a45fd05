package io.moat.delivery;

import io.moat.delivery.links.LinkLedger;
import io.moat.delivery.links.LinkLedger.Message;
import io.moat.delivery.links.LinkLedger.Opened;
import io.moat.delivery.links.Links;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RescanPageSettingsService;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

/**
 * The public rescan page as the web module sees it: links given out for messages held for a password, what a link
 * shows (the message's sender, subject, date and protected attachments' names, never more), and the passwords a
 * recipient gives through it, scanned again by the quarantine's rescan ({@link Quarantine#rescan}) and then
 * decided by the pipeline as any message is. The page waits for that decision a bounded time
 * ({@code moat.rescan.result-wait}). A link that is unknown, expired, used or out of passwords gets one answer
 * ({@link Outcome#NOT_VALID}), the same for each. A right password (the message delivered, or held for another
 * reason) uses the link up.
 */
@ApplicationScoped
public class PublicRescan {

    /** The page's path, below the public server address. */
    public static final String PATH = Links.PATH;
    /** The query parameter (and form field) that carries the token. */
    public static final String TOKEN = Links.TOKEN;
    /** Who the quarantine's record names for a rescan asked through a link. */
    public static final String ACTOR = "recipient via rescan link";

    private static final Logger LOG = Logger.getLogger(PublicRescan.class.getName());
    /** How often the page looks whether the pipeline has decided. */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Set<MessageState> UNDECIDED = EnumSet.of(MessageState.RECEIVED, MessageState.SCANNING,
            MessageState.SCANNED);
    private static final Set<MessageState> DELIVERING = EnumSet.of(MessageState.QUEUED, MessageState.DEFERRED,
            MessageState.DELIVERED);
    private static final Set<String> THREATS = Set.of("INFECTED", "SUSPICIOUS");

    /** What the page says. */
    public enum Outcome {
        /** The message waits for passwords: the page asks for them. */
        ASK_PASSWORDS,
        /** Scanned again and not decided within the page's wait: come back later. */
        STILL_SCANNING,
        /** Released to its recipients (queued, or delivered already). */
        DELIVERED,
        /** Held for another reason now (e.g. Core found a threat inside): {@code detail} says which. */
        STILL_BLOCKED,
        /** A password did not open its attachment: it may be tried again while {@code triesLeft} is above 0. */
        WRONG_PASSWORD,
        /** The gateway could not scan it now (Core unavailable, the message changed meanwhile): try again later. */
        TRY_LATER,
        /** The link is unknown, expired, used, out of passwords, or its message is gone: one answer for each. */
        NOT_VALID
    }

    /** What the page shows of the message: the envelope's sender ("" for the null sender), subject, arrival. */
    public record HeldMessage(String sender, String subject, Instant receivedAt, List<String> protectedAttachments) {
    }

    /**
     * The page's answer. {@code message} is null for {@link Outcome#NOT_VALID}; {@code detail} says why (the threat
     * found, the attachments still locked, what to enter), or is null; {@code triesLeft} is how many passwords the
     * link still takes.
     */
    public record Answer(Outcome outcome, HeldMessage message, String detail, int triesLeft) {

        static final Answer NOT_VALID = new Answer(Outcome.NOT_VALID, null, null, 0);
    }

    /** A link given out: where it leads (it carries the token: never log it) and when it stops working. */
    public record IssuedLink(URI url, Instant expiresAt) {

        @Override
        public String toString() {
            return "IssuedLink[expiresAt=" + expiresAt + "]";
        }
    }

    @Inject
    LinkLedger ledger;

    @Inject
    Links links;

    @Inject
    Quarantine quarantine;

    @Inject
    RescanPageSettingsService pageSettings;

    @Inject
    GatewaySettings settings;

    /** Requests waiting for a decision, each on an HTTP worker thread. */
    private Semaphore waiting;

    @PostConstruct
    void init() {
        waiting = new Semaphore(settings.rescanMaxWaiting());
    }

    /**
     * A new link for a message held for a password, for an admin to hand to a recipient (whose link expired, say):
     * NOT_FOUND, or CONFLICT unless the message is {@code PASSWORD_REQUIRED}.
     */
    public IssuedLink issue(String messageId, Actor actor) {
        Message m = ledger.message(messageId).orElseThrow(() -> new RefusedException(RefusedException.Reason.NOT_FOUND,
                "no message has the id '" + messageId + "'"));
        if (m.state() != MessageState.PASSWORD_REQUIRED) {
            throw new RefusedException(RefusedException.Reason.CONFLICT, "message " + messageId + " is " + m.state()
                    + ": only a message held for a password (PASSWORD_REQUIRED) has a rescan link");
        }
        Links.Link link = links.issue(messageId);
        LOG.info(() -> "a rescan link for message " + messageId + " was given to " + actor.name() + " ("
                + actor.address() + "), valid until " + link.expiresAt());
        return new IssuedLink(link.url(), link.expiresAt());
    }

    /** What the page shows for {@code token} (as the link carried it). */
    public Answer view(String token) {
        int max = pageSettings.get().maxWrongPasswords();
        return ledger.open(token, Instant.now(), max).map(link -> current(link, max)).orElse(Answer.NOT_VALID);
    }

    /**
     * Scans the message of {@code token} again with {@code passwords} (by attachment file name, one for each
     * protected attachment; the arrays are cleared before this returns, whatever happens) and says what the pipeline
     * decided, waiting for it a bounded time.
     */
    public Answer submit(String token, Map<String, char[]> passwords, String clientAddress) {
        try {
            int max = pageSettings.get().maxWrongPasswords();
            Optional<Opened> opened = ledger.open(token, Instant.now(), max);
            if (opened.isEmpty()) {
                return Answer.NOT_VALID;
            }
            Opened link = opened.get();
            Answer shown = current(link, max);
            if (shown.outcome() != Outcome.ASK_PASSWORDS || shown.message().protectedAttachments().isEmpty()) {
                return shown;
            }
            Map<String, char[]> given = new LinkedHashMap<>();
            for (String name : shown.message().protectedAttachments()) {
                char[] password = passwords.get(name);
                if (password == null || password.length == 0) {
                    return new Answer(Outcome.ASK_PASSWORDS, shown.message(), "Enter the password of each protected"
                            + " attachment.", shown.triesLeft());
                }
                given.put(name, password);
            }
            OptionalInt attempt = ledger.reserveAttempt(link.tokenHash(), Instant.now(), max);
            if (attempt.isEmpty()) {
                return Answer.NOT_VALID;
            }
            String id = link.messageId();
            try {
                quarantine.rescanViaLink(id, given, new Actor(ACTOR, clientAddress));
            } catch (RefusedException e) {
                ledger.giveBackAttempt(link.tokenHash());
                return refused(e, id, shown);
            }
            Answer answer = decided(link, shown.message(), waitForDecision(id), max - attempt.getAsInt());
            LOG.info(() -> "rescan page: message " + id + " " + answer.outcome() + " after password " + attempt
                    .getAsInt() + " of " + max + " through its link, from " + clientAddress);
            return answer;
        } finally {
            passwords.values().forEach(p -> Arrays.fill(p, '\0'));
        }
    }

    /** What an open link shows now, from its message's state. */
    private Answer current(Opened link, int max) {
        if (link.message().isEmpty()) {
            return Answer.NOT_VALID;
        }
        Message m = link.message().get();
        HeldMessage shown = new HeldMessage(m.sender(), m.subject(), m.receivedAt(), m.protectedNames());
        int left = max - link.attempts();
        if (m.state() == MessageState.PASSWORD_REQUIRED) {
            return new Answer(Outcome.ASK_PASSWORDS, shown, null, left);
        }
        Optional<Answer> answer = outcome(m, shown, left);
        if (link.attempts() > 0) {
            // a password that was still being scanned when its page answered: decided since, the link is done
            answer.filter(a -> a.outcome() == Outcome.DELIVERED || a.outcome() == Outcome.STILL_BLOCKED)
                    .ifPresent(a -> ledger.used(link.tokenHash(), Instant.now()));
        }
        return answer.orElse(Answer.NOT_VALID);
    }

    /** What the pipeline decided after a password, as far as it got within the wait; the link used if it was right. */
    private Answer decided(Opened link, HeldMessage shown, Optional<Message> after, int left) {
        if (after.isEmpty()) {
            return Answer.NOT_VALID;
        }
        Message m = after.get();
        if (m.state() == MessageState.PASSWORD_REQUIRED) {
            return new Answer(Outcome.WRONG_PASSWORD, shown, String.join(", ", m.protectedNames()), left);
        }
        Optional<Answer> answer = outcome(m, shown, left);
        answer.filter(a -> a.outcome() == Outcome.DELIVERED || a.outcome() == Outcome.STILL_BLOCKED)
                .ifPresent(a -> ledger.used(link.tokenHash(), Instant.now()));
        return answer.orElse(Answer.NOT_VALID);
    }

    /** Scanning, delivered or held otherwise, with the reason; empty for a message deleted. */
    private static Optional<Answer> outcome(Message m, HeldMessage shown, int left) {
        if (UNDECIDED.contains(m.state())) {
            return Optional.of(new Answer(Outcome.STILL_SCANNING, shown, null, left));
        }
        if (DELIVERING.contains(m.state())) {
            List<String> removed = "DELETE_CONTENT".equals(m.action()) ? threats(m) : List.of();
            return Optional.of(new Answer(Outcome.DELIVERED, shown, removed.isEmpty()
                    ? null
                    : "without " + String.join(", ", removed) + ": a threat was found in them", 0));
        }
        if (m.state() == MessageState.DELETED || m.state() == MessageState.PASSWORD_REQUIRED) {
            return Optional.empty();
        }
        return Optional.of(new Answer(Outcome.STILL_BLOCKED, shown, reason(m), 0));
    }

    /** Why a message is held, in the recipient's words. */
    private static String reason(Message m) {
        String outcome = m.outcome() == null ? "" : m.outcome();
        return switch (outcome) {
            case "BLOCKED" -> threats(m).isEmpty()
                    ? "a threat was found in it"
                    : "a threat was found in " + String.join(", ", threats(m));
            case "ENCRYPTED" -> "its security rule does not let password-protected attachments through";
            case "SCAN_ERROR" -> "it could not be scanned";
            case "UNINSPECTED" -> "it could not be inspected within the gateway's limits";
            default -> "it is held for the administrator";
        };
    }

    /** The parts Core found a threat in, each with its verdict: {@code invoice.zip (Infected)}. */
    private static List<String> threats(Message m) {
        return m.parts().stream().filter(p -> THREATS.contains(p.category()))
                .map(p -> p.fileName() + (p.verdict() == null ? "" : " (" + p.verdict() + ")")).distinct().toList();
    }

    /** The quarantine refused the rescan (its attempt is given back already). */
    private Answer refused(RefusedException e, String id, Answer shown) {
        return switch (e.reason()) {
            case NOT_FOUND -> Answer.NOT_VALID;
            case INVALID -> new Answer(Outcome.ASK_PASSWORDS, shown.message(), e.getMessage(), shown.triesLeft());
            case CONFLICT -> {
                // still held for a password: another rescan holds it this moment (a link counts its own tries)
                boolean held = ledger.message(id).map(m -> m.state() == MessageState.PASSWORD_REQUIRED)
                        .orElse(false);
                yield held ? new Answer(Outcome.TRY_LATER, shown.message(), null, shown.triesLeft()) : takenOver(id);
            }
            case NOT_APPLIED -> {
                LOG.warning(() -> "rescan page: message " + id + " could not be scanned again: " + e.getMessage());
                yield new Answer(Outcome.TRY_LATER, shown.message(), null, shown.triesLeft());
            }
        };
    }

    /** The message's state after another action took it over meanwhile. */
    private Answer takenOver(String id) {
        return ledger.message(id).flatMap(m -> outcome(m, new HeldMessage(m.sender(), m.subject(), m.receivedAt(),
                m.protectedNames()), 0)).orElse(Answer.NOT_VALID);
    }

    /**
     * Looks at the message until the pipeline has decided it or {@code moat.rescan.result-wait} has passed; at most
     * {@code moat.rescan.max-waiting} requests wait at once, others get the state as it is.
     */
    private Optional<Message> waitForDecision(String id) {
        if (!waiting.tryAcquire()) {
            return ledger.message(id);
        }
        try {
            long deadline = System.nanoTime() + settings.rescanResultWait().toNanos();
            while (true) {
                Optional<Message> m = ledger.message(id);
                if (m.isEmpty() || !UNDECIDED.contains(m.get().state()) || System.nanoTime() - deadline >= 0) {
                    return m;
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ledger.message(id);
        } finally {
            waiting.release();
        }
    }
}
