package io.moat.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.delivery.PublicRescan.Answer;
import io.moat.delivery.PublicRescan.Outcome;
import io.moat.delivery.links.LinkLedger;
import io.moat.delivery.links.LinkLedger.Message;
import io.moat.delivery.links.LinkLedger.Part;
import io.moat.delivery.links.Links;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RescanPageSettings;
import io.moat.settings.RescanPageSettingsService;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The page's answers over a link ledger and a quarantine of the test's own, whose "pipeline" decides at once what a
 * password leads to (or, for a slow one, later than the page waits).
 */
class PublicRescanTest {

    private static final String TOKEN = "t".repeat(43);
    private static final Instant RECEIVED = Instant.parse("2026-12-07T09:30:00Z");

    private MessageState state = MessageState.PASSWORD_REQUIRED;
    private List<Part> parts = List.of(new Part("body.txt", "No threat detected", "CLEAN"),
            new Part("minutes.zip", "Encrypted", "PASSWORD_REQUIRED"));
    private String outcome = "ENCRYPTED";
    private String action = "HOLD_FOR_PASSWORD";
    private boolean linkOpen = true;
    private int attempts;
    private boolean used;

    private final List<String> tried = new ArrayList<>();
    private final List<String> actors = new ArrayList<>();
    /** What the "pipeline" makes of a password; null: the rescan is refused with the exception set here. */
    private Function<String, MessageState> pipeline = p -> p.equals("right")
            ? MessageState.DELIVERED
            : MessageState.PASSWORD_REQUIRED;
    private RefusedException refusal;

    private final PublicRescan rescan = new PublicRescan();

    PublicRescanTest() {
        rescan.ledger = new LinkLedger() {
            @Override
            public Optional<Opened> open(String token, Instant now, int maxAttempts) {
                return linkOpen && !used && attempts < maxAttempts && TOKEN.equals(token)
                        ? Optional.of(new Opened("hash", "m-1", now.plusSeconds(60), attempts, message("m-1")))
                        : Optional.empty();
            }

            @Override
            public Optional<Message> message(String id) {
                return state == MessageState.DELETED
                        ? Optional.empty()
                        : Optional.of(new Message(id, state, "alice@sender.test", "Board minutes", RECEIVED, outcome,
                                action, parts));
            }

            @Override
            public OptionalInt reserveAttempt(String tokenHash, Instant now, int maxAttempts) {
                return attempts < maxAttempts && !used ? OptionalInt.of(++attempts) : OptionalInt.empty();
            }

            @Override
            public void giveBackAttempt(String tokenHash) {
                attempts--;
            }

            @Override
            public void used(String tokenHash, Instant now) {
                used = true;
            }
        };
        rescan.quarantine = new Quarantine() {
            @Override
            public void rescanViaLink(String id, Map<String, char[]> passwords, Actor actor) {
                actors.add(actor.name() + " " + actor.address());
                String password = new String(passwords.get("minutes.zip"));
                tried.add(password);
                if (refusal != null) {
                    throw refusal;
                }

                state = pipeline.apply(password);
                if (state == MessageState.BLOCKED) {
                    outcome = "BLOCKED";
                    parts = List.of(new Part("body.txt", "No threat detected", "CLEAN"),
                            new Part("minutes.zip", "Infected", "INFECTED"));
                }
            }
        };
        rescan.pageSettings = new RescanPageSettingsService() {
            @Override
            public RescanPageSettings get() {
                return new RescanPageSettings(Duration.ofDays(7), 3);
            }
        };
        rescan.settings = new GatewaySettings() {
            @Override
            public Duration rescanResultWait() {
                return Duration.ofMillis(500);
            }

            @Override
            public int rescanMaxWaiting() {
                return 2;
            }

            @Override
            public int maxPasswordRescans() {
                return 10;
            }
        };
        rescan.links = new Links() {
            @Override
            public Link issue(String messageId) {
                return new Link(URI.create("https://gw.test/rescan?t=" + PublicRescanTest.TOKEN),
                        RECEIVED.plus(Duration.ofDays(7)));
            }
        };
        rescan.init();
    }

    @Test
    void theLinkShowsTheSenderSubjectDateAndTheProtectedAttachmentsAndAsksForTheirPasswords() {
        Answer answer = rescan.view(TOKEN);

        assertThat(answer.outcome()).isEqualTo(Outcome.ASK_PASSWORDS);
        assertThat(answer.message()).isEqualTo(new PublicRescan.HeldMessage("alice@sender.test", "Board minutes",
                RECEIVED, List.of("minutes.zip")));
        assertThat(answer.triesLeft()).isEqualTo(3);
        assertThat(used).isFalse();
    }

    @Test
    void aWrongPasswordSaysSoAndCountsThenTheRightOneDeliversAndUsesTheLinkUp() {
        char[] wrong = "wrong".toCharArray();
        Answer first = rescan.submit(TOKEN, Map.of("minutes.zip", wrong), "192.0.2.7");

        assertThat(first.outcome()).isEqualTo(Outcome.WRONG_PASSWORD);
        assertThat(first.detail()).isEqualTo("minutes.zip");
        assertThat(first.triesLeft()).isEqualTo(2);
        assertThat(wrong).containsOnly('\0');
        assertThat(used).isFalse();

        char[] right = "right".toCharArray();
        Answer second = rescan.submit(TOKEN, Map.of("minutes.zip", right), "192.0.2.7");

        assertThat(second.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(second.message().subject()).isEqualTo("Board minutes");
        assertThat(right).containsOnly('\0');
        assertThat(used).isTrue();
        assertThat(tried).containsExactly("wrong", "right");
        assertThat(actors).containsOnly("recipient via rescan link 192.0.2.7");
        assertThat(rescan.view(TOKEN).outcome()).isEqualTo(Outcome.NOT_VALID);
    }

    @Test
    void theLastWrongPasswordLeavesNoTriesAndTheLinkOpensNothingAfterwards() {
        for (int i = 2; i >= 0; i--) {
            Answer answer = rescan.submit(TOKEN, Map.of("minutes.zip", "wrong".toCharArray()), "192.0.2.7");
            assertThat(answer.outcome()).isEqualTo(Outcome.WRONG_PASSWORD);
            assertThat(answer.triesLeft()).isEqualTo(i);
        }
        assertThat(rescan.view(TOKEN).outcome()).isEqualTo(Outcome.NOT_VALID);
        char[] right = "right".toCharArray();
        assertThat(rescan.submit(TOKEN, Map.of("minutes.zip", right), "192.0.2.7").outcome())
                .isEqualTo(Outcome.NOT_VALID);
        assertThat(right).containsOnly('\0');
        assertThat(tried).hasSize(3);
    }

    @Test
    void theRightPasswordOfAnArchiveWithAThreatInsideKeepsItBlockedAndSaysWhy() {
        pipeline = p -> MessageState.BLOCKED;

        Answer answer = rescan.submit(TOKEN, Map.of("minutes.zip", "right".toCharArray()), "192.0.2.7");

        assertThat(answer.outcome()).isEqualTo(Outcome.STILL_BLOCKED);
        assertThat(answer.detail()).isEqualTo("a threat was found in minutes.zip (Infected)");
        assertThat(used).isTrue();
    }

    @Test
    void aMissingPasswordIsAskedForWithoutCountingOrScanning() {
        char[] other = "x".toCharArray();
        Answer answer = rescan.submit(TOKEN, Map.of("other.zip", other, "minutes.zip", new char[0]), "192.0.2.7");

        assertThat(answer.outcome()).isEqualTo(Outcome.ASK_PASSWORDS);
        assertThat(answer.detail()).contains("Enter the password");
        assertThat(attempts).isZero();
        assertThat(tried).isEmpty();
        assertThat(other).containsOnly('\0');
    }

    @Test
    void whenCoreCannotScanNowThePasswordIsNotCountedAndTheRecipientIsToldToTryLater() {
        refusal = new RefusedException(RefusedException.Reason.NOT_APPLIED, "Core did not take minutes.zip");

        Answer answer = rescan.submit(TOKEN, Map.of("minutes.zip", "right".toCharArray()), "192.0.2.7");

        assertThat(answer.outcome()).isEqualTo(Outcome.TRY_LATER);
        assertThat(answer.detail()).isNull();
        assertThat(attempts).isZero();
        assertThat(used).isFalse();
    }

    @Test
    void aMessageAnotherRescanHoldsThisMomentSaysTryLaterAndGivesTheTryBack() {
        refusal = new RefusedException(RefusedException.Reason.CONFLICT, "message m1 is being rescanned");

        Answer answer = rescan.submit(TOKEN, Map.of("minutes.zip", "right".toCharArray()), "192.0.2.7");

        assertThat(answer.outcome()).isEqualTo(Outcome.TRY_LATER);
        assertThat(attempts).isZero();
        assertThat(used).isFalse();
    }

    @Test
    void aDecisionLaterThanThePagesWaitSaysToComeBackAndLeavesTheLinkOpen() {
        pipeline = p -> MessageState.SCANNING;

        long started = System.nanoTime();
        Answer answer = rescan.submit(TOKEN, Map.of("minutes.zip", "right".toCharArray()), "192.0.2.7");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(answer.outcome()).isEqualTo(Outcome.STILL_SCANNING);
        assertThat(used).isFalse();
        assertThat(rescan.view(TOKEN).outcome()).isEqualTo(Outcome.STILL_SCANNING);
        state = MessageState.DELIVERED;
        assertThat(rescan.view(TOKEN).outcome()).isEqualTo(Outcome.DELIVERED);
    }

    @Test
    void anUnknownLinkAndALinkToADeletedMessageGetTheSameAnswer() {
        Answer unknown = rescan.view("u".repeat(43));
        state = MessageState.DELETED;
        Answer deleted = rescan.view(TOKEN);

        assertThat(unknown).isEqualTo(deleted);
        assertThat(unknown.outcome()).isEqualTo(Outcome.NOT_VALID);
        assertThat(unknown.message()).isNull();
    }

    @Test
    void anAdminGetsALinkOnlyForAMessageHeldForAPassword() {
        assertThat(rescan.issue("m-1", new Actor("admin", "127.0.0.1")).url())
                .hasToString("https://gw.test/rescan?t=" + TOKEN);
        assertThat(rescan.issue("m-1", new Actor("admin", "127.0.0.1")).toString()).doesNotContain(TOKEN);

        state = MessageState.BLOCKED;
        assertThatThrownBy(() -> rescan.issue("m-1", new Actor("admin", "127.0.0.1")))
                .isInstanceOf(RefusedException.class).hasMessageContaining("PASSWORD_REQUIRED")
                .extracting(e -> ((RefusedException) e).reason()).isEqualTo(RefusedException.Reason.CONFLICT);
        state = MessageState.DELETED;
        assertThatThrownBy(() -> rescan.issue("m-1", new Actor("admin", "127.0.0.1")))
                .extracting(e -> ((RefusedException) e).reason()).isEqualTo(RefusedException.Reason.NOT_FOUND);
    }
}
