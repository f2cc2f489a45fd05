package io.moat.delivery.links;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.tokens.SecretTokens;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.RescanLinkEntity;
import io.moat.persistence.RescanLinkRepository;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinkLedgerTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    private final Map<String, RescanLinkEntity> rows = new HashMap<>();
    private final List<String> lookedUp = new ArrayList<>();
    private final List<Instant> purgedBefore = new ArrayList<>();
    private final LinkLedger ledger = new LinkLedger();

    LinkLedgerTest() {
        ledger.links = new RescanLinkRepository() {
            @Override
            public void add(RescanLinkEntity link) {
                rows.put(link.getTokenHash(), link);
            }

            @Override
            public Optional<RescanLinkEntity> find(String tokenHash) {
                lookedUp.add(tokenHash);
                return Optional.ofNullable(rows.get(tokenHash));
            }

            @Override
            public int deleteExpiredBefore(Instant cutoff) {
                purgedBefore.add(cutoff);
                return 0;
            }
        };
        ledger.messages = new MessageRepository() {
            @Override
            public Optional<MessageEntity> find(String id) {
                return Optional.of(new MessageEntity(id, MessageKind.INBOUND, "a@sender.test",
                        List.of("bob@example.com"), id, 10, NOW));
            }
        };
    }

    @Test
    void aLinkIsStoredAsItsTokensHashAloneForItsMessageUntilItsValidityEnds() {
        LinkLedger.Issued issued = ledger.issue("m-1", Duration.ofDays(7), NOW);

        assertThat(rows).hasSize(1);
        RescanLinkEntity row = rows.values().iterator().next();
        assertThat(row.getTokenHash()).isEqualTo(SecretTokens.hashOf(issued.token()).orElseThrow())
                .doesNotContain(issued.token());
        assertThat(row.getMessageId()).isEqualTo("m-1");
        assertThat(row.getCreatedAt()).isEqualTo(NOW);
        assertThat(row.getExpiresAt()).isEqualTo(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofDays(7)));
        assertThat(issued.toString()).doesNotContain(issued.token());
        // links that expired more than a day ago go as new ones are given out
        assertThat(purgedBefore).containsExactly(NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void anOpenLinkShowsItsMessageUntilItExpiresIsUsedOrHasNoPasswordLeft() throws Exception {
        String token = ledger.issue("m-1", Duration.ofDays(7), NOW).token();
        RescanLinkEntity row = rows.values().iterator().next();

        LinkLedger.Opened opened = ledger.open(token, NOW, 5).orElseThrow();
        assertThat(opened.messageId()).isEqualTo("m-1");
        assertThat(opened.message().orElseThrow().sender()).isEqualTo("a@sender.test");

        assertThat(ledger.open(token, NOW.plus(Duration.ofDays(7)), 5)).as("expired").isEmpty();
        assertThat(ledger.open(token, NOW.plus(Duration.ofDays(7)).minusMillis(1), 5)).isPresent();
        set(row, "attempts", 5);
        assertThat(ledger.open(token, NOW, 5)).as("no password left").isEmpty();
        assertThat(ledger.open(token, NOW, 6)).isPresent();
        set(row, "usedAt", NOW);
        assertThat(ledger.open(token, NOW, 6)).as("used").isEmpty();
    }

    @Test
    void aTokenNeverGivenOutOpensNothingAndOneOfAnotherShapeIsNotEvenLookedUp() {
        ledger.issue("m-1", Duration.ofDays(7), NOW);

        assertThat(ledger.open(new SecretTokens(new java.security.SecureRandom()).next().value(), NOW, 5)).isEmpty();
        assertThat(lookedUp).hasSize(1);
        assertThat(ledger.open("../../etc/passwd", NOW, 5)).isEmpty();
        assertThat(ledger.open(null, NOW, 5)).isEmpty();
        assertThat(ledger.open(rows.keySet().iterator().next(), NOW, 5)).as("the hash is not a token").isEmpty();
        assertThat(lookedUp).hasSize(1);
    }

    private static void set(RescanLinkEntity row, String name, Object value) throws ReflectiveOperationException {
        Field field = RescanLinkEntity.class.getDeclaredField(name);
        field.setAccessible(true);
        field.set(row, value);
    }
}
