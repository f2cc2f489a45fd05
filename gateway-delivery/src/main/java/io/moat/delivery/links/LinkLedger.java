package io.moat.delivery.links;

import io.moat.delivery.tokens.SecretTokens;
import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageState;
import io.moat.persistence.RescanLinkEntity;
import io.moat.persistence.RescanLinkRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The links' transactions: giving one out, opening one (the link and its message as the page may show it), counting a
 * password tried through it, using it up. Each is a transaction of its own; whether a link still takes a password is
 * decided by the database ({@link RescanLinkRepository#reserveAttempt}), not by what was read before.
 */
@ApplicationScoped
@Transactional
public class LinkLedger {

    /** How long a link is kept after it expired, so that the page still finds it (and says it expired) for a while. */
    static final Duration KEPT_AFTER_EXPIRY = Duration.ofDays(1);

    private final SecretTokens tokens = new SecretTokens(new SecureRandom());

    @Inject
    RescanLinkRepository links;

    @Inject
    MessageRepository messages;

    /** A link just given out: its token (never stored) and when it stops working. */
    public record Issued(String token, Instant expiresAt) {

        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * A link that is open: not used, not expired, with passwords left; {@code message} is empty when the message is
     * gone (purged).
     */
    public record Opened(String tokenHash, String messageId, Instant expiresAt, int attempts,
            Optional<Message> message) {
    }

    /** A message as the rescan page may use it. */
    public record Message(String id, MessageState state, String sender, String subject, Instant receivedAt,
            String outcome, String action, List<Part> parts) {

        /** The distinct names of the parts Core could not open without a password, in the message's order. */
        public List<String> protectedNames() {
            return parts.stream().filter(p -> "PASSWORD_REQUIRED".equals(p.category())).map(Part::fileName)
                    .distinct().toList();
        }
    }

    /** A part: its file name, Core's verdict on it in words, and its category (null: none yet). */
    public record Part(String fileName, String verdict, String category) {
    }

    /**
     * Gives out a link to {@code messageId}'s page, working for {@code validity} from {@code now}; links that expired
     * more than {@link #KEPT_AFTER_EXPIRY} ago are deleted on the way. The message's state is not checked here: a
     * recipient's notice is written before the hold is committed, and the page looks at the state when opened.
     */
    public Issued issue(String messageId, Duration validity, Instant now) {
        links.deleteExpiredBefore(now.minus(KEPT_AFTER_EXPIRY));
        SecretTokens.Token token = tokens.next();
        Instant expires = now.plus(validity);
        links.add(new RescanLinkEntity(token.hash(), messageId, now, expires));
        return new Issued(token.value(), expires);
    }

    /**
     * The link {@code token} names, if it is open at {@code now} with fewer than {@code maxAttempts} passwords tried,
     * and its message; empty for every other case alike (no such token, used, expired, out of passwords).
     */
    public Optional<Opened> open(String token, Instant now, int maxAttempts) {
        Optional<String> hash = SecretTokens.hashOf(token);
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        return links.find(hash.get()).filter(l -> SecretTokens.sameHash(l.getTokenHash(), hash.get()))
                .filter(l -> l.getUsedAt() == null && l.getExpiresAt().isAfter(now) && l.getAttempts() < maxAttempts)
                .map(l -> new Opened(l.getTokenHash(), l.getMessageId(), l.getExpiresAt(), l.getAttempts(),
                        message(l.getMessageId())));
    }

    /** The message as the page may use it; empty when it is gone. */
    public Optional<Message> message(String id) {
        return messages.find(id).map(LinkLedger::message);
    }

    /**
     * Counts a password about to be tried through the link, if it still takes one.
     *
     * @return the passwords tried through it with this one; empty: the link is refused (used, expired, none left)
     */
    public OptionalInt reserveAttempt(String tokenHash, Instant now, int maxAttempts) {
        if (!links.reserveAttempt(tokenHash, now, maxAttempts)) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(links.find(tokenHash).map(RescanLinkEntity::getAttempts).orElse(maxAttempts));
    }

    /** Takes back an attempt counted for a password that was never tried (refused before it reached Core). */
    public void giveBackAttempt(String tokenHash) {
        links.giveBackAttempt(tokenHash);
    }

    /** The link has done its work (a right password): it opens nothing any more. */
    public void used(String tokenHash, Instant now) {
        links.use(tokenHash, now);
    }

    private static Message message(MessageEntity m) {
        return new Message(m.getId(), m.getState(), m.getMailFrom(), m.getSubject(), m.getReceivedAt(),
                m.getOutcome(), m.getAction(), m.getAttachments().stream()
                        .sorted(Comparator.comparingInt(AttachmentEntity::getPartIndex))
                        .map(a -> new Part(a.getFileName(), a.getVerdictLabel(), a.getCategory())).toList());
    }
}
