package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import io.moat.core.VerdictCategory;
import io.moat.delivery.commit.CommitGroup;
import io.moat.delivery.commit.DurableCommits;
import io.moat.delivery.commit.Spool;
import io.moat.delivery.notify.Held;
import io.moat.delivery.notify.Notices;
import io.moat.delivery.notify.Notification;
import io.moat.delivery.notify.Notifier;
import io.moat.delivery.outbound.DeliveryAgent;
import io.moat.delivery.tokens.SecretTokens;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.profiles.RecipientRoutes;
import io.moat.settings.profiles.ScanServers;
import io.moat.settings.rules.SecurityRule;
import io.moat.settings.rules.SecurityRules;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's claim of one message with the database and Core replaced: what it records when a claim fails
 * (an Error too), when Core's scans fail, and when a message waits for its verdicts too long.
 */
class MessageProcessorTest {

    private static final String TEXT = "From: a@sender.test\r\nSubject: hi\r\n\r\nhello\r\n";

    @TempDir
    Path data;

    private final List<Progress> recorded = new ArrayList<>();
    private final List<String> submitted = new ArrayList<>();
    /** Core's sanitized copies by data id, and the data ids whose copy was asked for. */
    private final ScriptedCopies scripted = new ScriptedCopies();
    private final java.util.Map<String, byte[]> sanitizedCopies = scripted.copies;
    private final List<String> fetchedSanitized = scripted.asked;
    private boolean sanitizedUnavailable;
    private long cdrCap = 1 << 20;
    private Function<String, ScanResult> verdicts = id -> result(id, 0, "No Threat Detected", VerdictCategory.CLEAN);
    private Exception submitFailure;
    private Error submitError;
    private MessageSpool spool;
    private MessageProcessor processor;
    /** The records the database refuses, as a constraint it breaks would. */
    private int refusedRecords;
    /** The records that commit but cannot be written to the database file. */
    private int unwrittenRecords;
    private int applied;
    private SecurityRules.Applied rule = SecurityRules.Applied.standIn("default");
    /** What the notifier was told of, and whether it fails to write. */
    private final List<Held> told = new ArrayList<>();
    private boolean noticesFail;
    /** The callback URL each submission (by data id) carried. */
    private final Map<String, String> callbackUrls = new LinkedHashMap<>();
    /** The Core profile's callbacks (null: off). */
    private ScanServers.Callbacks callbacks;

    @BeforeEach
    void wire() throws IOException {
        spool = new MessageSpool(data);
        spool.store("m1", new byte[0], new ByteArrayInputStream(TEXT.getBytes(StandardCharsets.US_ASCII)));
        processor = new MessageProcessor();
        processor.settings = new Settings();
        processor.spool = new Spool() {
            @Override
            public MessageSpool get() {
                return spool;
            }
        };
        processor.core = new ScanServers() {
            @Override
            public CoreClient coreClient() {
                return new Core();
            }

            @Override
            public CoreClient coreClient(String profileId, String rule) {
                return new Core();
            }

            @Override
            public int maxInFlight(String profileId) {
                return 500;
            }

            @Override
            public Optional<Callbacks> callbacks(String profileId) {
                return Optional.ofNullable(callbacks);
            }
        };
        processor.routing = new RecipientRoutes() {
            @Override
            public Route route(String recipient) {
                throw new IllegalStateException("no SMTP profile in this test: the message stays queued");
            }

            @Override
            public Route route(String recipient, String profileId) {
                return route(recipient);
            }
        };
        processor.rules = new SecurityRules() {
            @Override
            public Optional<Matched> match(Envelope envelope, String recipient) {
                return Optional.empty();
            }

            @Override
            public Applied applied(String ruleId, String ruleName) {
                return rule;
            }

            @Override
            public Optional<Applied> named(String name) {
                return Optional.empty();
            }
        };
        processor.steps = new MessageSteps() {
            @Override
            public void apply(String id, Progress progress, Instant now) {
                applied++;
                if (unwrittenRecords > 0) {
                    unwrittenRecords--;
                    throw new CommitGroup.NotWritten(new IllegalStateException("No space left on device"));
                }
                if (refusedRecords > 0) {
                    refusedRecords--;
                    throw new IllegalStateException("value too long for column");
                }
                recorded.add(progress);
            }
        };
        processor.notifier = new Notifier() {
            @Override
            public Notices held(Held held, MessageSpool files, Supplier<String> ids) throws IOException {
                told.add(held);
                if (noticesFail) {
                    throw new IOException("No space left on device");
                }
                String id = ids.get();
                files.store(id, new byte[0], new ByteArrayInputStream("notice".getBytes(StandardCharsets.US_ASCII)));
                return new Notices(List.of(new Notification(id, 6, held.recipients(), "held", null, false, "notice")),
                        List.of());
            }
        };
        processor.commits = new DurableCommits() {
            @Override
            public void run(Runnable work) {
                work.run();
            }
        };
        processor.init();
    }

    private static MessageSnapshot received(int failedClaims, int scanRounds, Instant receivedAt) {
        return new MessageSnapshot("m1", MessageKind.INBOUND, MessageState.RECEIVED, "a@sender.test",
                List.of("b@example.com"), "m1", receivedAt, receivedAt, 0, null, failedClaims, scanRounds, List.of(),
                DeliveryAgent.MailOptions.NONE, new MessageSnapshot.Rule(null, null, null), null, null, null);
    }

    private Progress last() {
        assertThat(recorded).hasSize(1);
        return recorded.get(0);
    }

    @Test
    void theBodyOfAMessageWithoutAttachmentsIsSentToCore() {
        verdicts = id -> result(id, 1, "Infected", VerdictCategory.INFECTED);

        processor.process(received(0, 0, Instant.now()));

        assertThat(submitted).containsExactly("body.txt");
        assertThat(last().state).isEqualTo(MessageState.BLOCKED);
        assertThat(last().scanSummary).isEqualTo("blocked: body.txt (Infected)");
    }

    @Test
    void aBlockedMessageIsRecordedWithTheNoticesAboutIt() {
        verdicts = id -> result(id, 1, "Infected", VerdictCategory.INFECTED);

        processor.process(received(0, 0, Instant.now()));

        assertThat(told).singleElement().satisfies(held -> {
            assertThat(held.state()).isEqualTo(MessageState.BLOCKED);
            assertThat(held.outcome()).isEqualTo(AdminOutcome.BLOCKED);
            assertThat(held.subject()).isEqualTo("hi");
            assertThat(held.reason()).isEqualTo("blocked: body.txt (Infected)");
            assertThat(held.recipients()).containsExactly("b@example.com");
            assertThat(held.attachments()).as("the text body is no attachment").isEmpty();
        });
        assertThat(last().notices.mails()).singleElement()
                .satisfies(n -> assertThat(spool.message(n.id())).exists());
    }

    @Test
    void aCleanMessageIsDeliveredWithoutTellingAnybody() {
        processor.process(received(0, 0, Instant.now()));

        assertThat(told).isEmpty();
        assertThat(last().notices).isNull();
    }

    @Test
    void aMessageSetAsideAfterFailingAgainAndAgainIsToldOfAsProcessingFailed() {
        submitError = new StackOverflowError();

        processor.process(received(2, 0, Instant.now()));

        assertThat(last().state).isEqualTo(MessageState.QUARANTINED);
        assertThat(told).singleElement().extracting(Held::outcome).isEqualTo(AdminOutcome.PROCESSING_FAILED);
        assertThat(last().notices.mails()).hasSize(1);
    }

    @Test
    void noticesThatCouldNotBeWrittenNeverUndoTheHold() {
        verdicts = id -> result(id, 1, "Infected", VerdictCategory.INFECTED);
        noticesFail = true;

        processor.process(received(0, 0, Instant.now()));

        assertThat(last().state).isEqualTo(MessageState.BLOCKED);
        assertThat(last().claimFailed).isFalse();
        assertThat(last().notices).isNull();
    }

    @Test
    void theNoticesOfAResultTheDatabaseRefusesLeaveNoFileBehind() throws IOException {
        verdicts = id -> result(id, 1, "Infected", VerdictCategory.INFECTED);
        refusedRecords = 1;

        processor.process(received(0, 0, Instant.now()));

        assertThat(told).hasSize(1);
        assertThat(last().claimFailed).isTrue();
        assertThat(spool.storedNames()).containsExactly("m1");
    }

    @Test
    void aScanThatFailsPastItsBudgetTellsTheAdminsOfTheScanError() {
        verdicts = id -> result(id, 3, "Failed", VerdictCategory.FAILED);

        processor.process(received(0, 2, Instant.now()));

        assertThat(last().state).isEqualTo(MessageState.FAILED);
        assertThat(told).singleElement().satisfies(held -> {
            assertThat(held.outcome()).isEqualTo(AdminOutcome.SCAN_ERROR);
            assertThat(held.isHeld()).as("failed, not held: the sender gets a DSN, the recipients nothing").isFalse();
        });
    }

    @Test
    void anErrorInAClaimIsRecordedAndTheMessageTriedAgainLater() {
        submitError = new OutOfMemoryError("Java heap space");

        processor.process(received(0, 0, Instant.now()));

        Progress progress = last();
        assertThat(progress.claimFailed).isTrue();
        assertThat(progress.state).isEqualTo(MessageState.SCANNING); // the extraction is kept
        assertThat(progress.due).isCloseTo(Instant.now().plusSeconds(30), within(5, ChronoUnit.SECONDS));
        assertThat(progress.reason).contains("OutOfMemoryError");
    }

    @Test
    void aFailureWhileTalkingToCoreIsNotCountedAgainstTheMessage() {
        submitFailure = new IllegalStateException("Core answered what nobody can read");

        processor.process(received(2, 0, Instant.now()));

        Progress progress = last();
        assertThat(progress.claimFailed).isFalse();
        assertThat(progress.state).isEqualTo(MessageState.SCANNING);
        assertThat(progress.due).isCloseTo(Instant.now().plusSeconds(30), within(5, ChronoUnit.SECONDS));
    }

    @Test
    void aFailureOfTheMessagesOwnStepsIsCountedAgainstIt() throws IOException {
        spool.delete("m1"); // its file gone: every extraction fails alike

        processor.process(received(0, 0, Instant.now()));

        assertThat(last().claimFailed).isTrue();
        assertThat(last().state).isEqualTo(MessageState.RECEIVED);
        assertThat(submitted).isEmpty();
    }

    @Test
    void eachFailureInARowWaitsLongerBeforeTheNextTry() {
        submitError = new StackOverflowError();

        processor.process(received(1, 0, Instant.now()));

        assertThat(last().due).isCloseTo(Instant.now().plusSeconds(60), within(5, ChronoUnit.SECONDS));
    }

    @Test
    void theLastAllowedFailureSetsTheMessageAside() {
        submitError = new StackOverflowError();

        processor.process(received(2, 0, Instant.now()));

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.QUARANTINED);
        assertThat(progress.state.isFinal()).isTrue();
        assertThat(progress.reason).startsWith("set aside after 3 failed attempts to process it")
                .contains("StackOverflowError");
    }

    @Test
    void aClaimThatWorksAfterFailuresResetsTheirCount() {
        verdicts = id -> result(id, 1, "Infected", VerdictCategory.INFECTED); // decided without delivering

        processor.process(received(2, 0, Instant.now()));

        assertThat(last().claimFailed).isFalse();
        assertThat(last().claimSucceeded).isTrue();
    }

    @Test
    void aResultTheDatabaseRefusesIsRecordedAsAFailedClaimInstead() {
        refusedRecords = 1;

        processor.process(received(2, 0, Instant.now()));

        Progress progress = last();
        assertThat(progress.claimFailed).isTrue();
        assertThat(progress.state).isEqualTo(MessageState.QUARANTINED);
        assertThat(progress.reason).contains("value too long for column");
    }

    @Test
    void aResultThatCommittedButWasNotWrittenIsNeverRecordedOver() {
        verdicts = id -> result(id, 1, "Infected", VerdictCategory.INFECTED);
        unwrittenRecords = 1;

        processor.process(received(0, 0, Instant.now()));

        assertThat(applied).as("one commit, and no failure recorded over it").isEqualTo(1);
        assertThat(recorded).isEmpty();
    }

    @Test
    void aFailedScanIsSubmittedAgainWithinItsBudget() {
        verdicts = id -> result(id, 3, "Failed", VerdictCategory.FAILED);

        processor.process(received(0, 1, Instant.now()));

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.SCANNING);
        assertThat(progress.scanRound).isTrue();
        assertThat(progress.dsn).isNull();
    }

    @Test
    void aScanThatFailsPastItsBudgetFailsTheMessageAndTheSenderIsTold() {
        verdicts = id -> result(id, 3, "Failed", VerdictCategory.FAILED);

        processor.process(received(0, 2, Instant.now()));

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.FAILED);
        assertThat(progress.reason).contains("scan failed: body.txt (Failed) (3 attempts)");
        assertThat(progress.dsn).isNotNull();
        assertThat(progress.dsn.recipient()).isEqualTo("a@sender.test");
    }

    @Test
    void aMessageWaitingForItsVerdictsPastTheScanTimeFailsWithADsn() {
        submitFailure = new CoreUnavailableException("connection refused");

        processor.process(received(0, 0, Instant.now().minus(Duration.ofDays(2))));

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.FAILED);
        assertThat(progress.reason).contains("could not be scanned within PT24H");
        assertThat(progress.dsn).isNotNull();
    }

    @Test
    void coreUnavailableWithinTheScanTimeIsWaitedFor() {
        submitFailure = new CoreUnavailableException("connection refused");

        processor.process(received(0, 0, Instant.now()));

        assertThat(last().state).isEqualTo(MessageState.SCANNING);
        assertThat(last().claimFailed).isFalse();
    }

    @Test
    void coreRefusingANonEmptyFileAsEmptyIsAFailedScanNotAClean() {
        submitFailure = new CoreRejectedException(422, "File is empty.");

        processor.process(received(0, 0, Instant.now()));

        Progress progress = last();
        // recorded as a failed scan, then reset to be submitted again
        assertThat(progress.scans).extracting(Progress.Scan::category).containsExactly("FAILED", null);
        assertThat(progress.state).isEqualTo(MessageState.SCANNING);
        assertThat(progress.scanRound).isTrue();
    }

    @Test
    void aBypassNeverLetsThroughAPartAlreadyFoundInfectedWhileAnotherWaits() {
        rule = bypassing();
        Instant longAgo = Instant.now().minus(Duration.ofDays(2));
        MessageSnapshot m = new MessageSnapshot("m1", MessageKind.INBOUND, MessageState.SCANNING, "a@sender.test",
                List.of("b@example.com"), "m1", longAgo, longAgo, 0, null, 0, 0, List.of(
                        new MessageSnapshot.AttachmentSnapshot(0, "evil.exe", "p0", 68, "data-x", "INFECTED",
                                "EICAR-Test-File", longAgo, null, null, false),
                        new MessageSnapshot.AttachmentSnapshot(1, "slow.pdf", "p1", 4096, "data-y", null, null,
                                longAgo, null, null, false)),
                DeliveryAgent.MailOptions.NONE, new MessageSnapshot.Rule("r1", "bypass", null), null, null, null);

        processor.process(m);

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.BLOCKED);
        assertThat(progress.outcome).isEqualTo("BLOCKED");
        assertThat(progress.action).isEqualTo("QUARANTINE");
        assertThat(progress.marked).isFalse();
        assertThat(submitted).isEmpty();
    }

    @Test
    void aBypassDeliversUnscannedWhenNothingScannedIsAThreat() {
        rule = bypassing();
        verdicts = id -> new ScanResult(id, false, 10, 0, null, VerdictCategory.PENDING, false, null);

        processor.process(received(0, 0, Instant.now().minus(Duration.ofDays(2))));

        Progress progress = last();
        assertThat(progress.outcome).isEqualTo("SCAN_ERROR");
        assertThat(progress.action).isEqualTo("BYPASS");
        assertThat(progress.marked).isTrue();
        assertThat(progress.state).isEqualTo(MessageState.QUEUED); // on to delivery, which has no server here
    }

    /** A message of a text and a PDF (base64), stored as {@code m2}. */
    private static final String WITH_PDF = "From: a@sender.test\r\nSubject: report\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
            + "see the report\r\n--b\r\nContent-Type: application/pdf; name=\"report.pdf\"\r\n"
            + "Content-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "JVBERi0xLjQgb3JpZ2luYWw=\r\n--b--\r\n";
    private static final byte[] SANITIZED_PDF = "%PDF-1.4 sanitized \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    /** Messages wait in memory for a slow Core (ADR 0041): the processor parks them in {@code waits}. */
    private CoreWaits waiting(int max) {
        CoreWaits waits = new CoreWaits();
        waits.settings = new GatewaySettings() {
            @Override
            public int waitingMax() {
                return max;
            }

            @Override
            public long waitingMaxBytes() {
                return 1 << 20;
            }
        };
        waits.start(processor::resume);
        processor.waits = waits;
        return waits;
    }

    private static ScanResult unfinished(String dataId) {
        return new ScanResult(dataId, false, 40, 0, "In progress", VerdictCategory.PENDING, false, null);
    }

    @Test
    void aMessageWhoseFilesAreAtCoreWaitsInMemoryAndIsRecordedOnceWhenItsVerdictsCome() throws Exception {
        CoreWaits waits = waiting(10);
        verdicts = MessageProcessorTest::unfinished;

        processor.process(withPdf(), Instant.now().plus(Duration.ofMinutes(10)));

        assertThat(applied).as("nothing recorded while it waits").isZero();
        assertThat(waits.parkedNow()).isEqualTo(1);
        assertThat(spool.partsOf("m2")).doesNotExist(); // its decoded parts stay in memory
        verdicts = id -> result(id, 0, "No Threat Detected", VerdictCategory.CLEAN);
        Thread.sleep(CorePace.MIN_STEP.toMillis() + 10);
        waits.sweep(); // its next check is due: it is resumed

        assertThat(waits.parkedNow()).isZero();
        Progress progress = last();
        assertThat(progress.extraction).as("the extraction is recorded with the verdicts").isNotNull();
        assertThat(progress.scans).isNotEmpty().allSatisfy(scan -> assertThat(scan.category()).isEqualTo("CLEAN"));
        assertThat(progress.state).isNotEqualTo(MessageState.SCANNING);
        assertThat(submitted).as("submitted once").hasSize(progress.scans.size());
    }

    @Test
    void aCallbackWakesTheWaitingMessageAndItsUsedTokenIsNotStored() throws Exception {
        CoreWaits waits = waiting(10);
        callbacks = new ScanServers.Callbacks("http://moat.test:8089", Duration.ofSeconds(60));
        verdicts = MessageProcessorTest::unfinished;
        processor.process(withPdf(), Instant.now().plus(Duration.ofMinutes(10)));
        assertThat(recorded).isEmpty();

        verdicts = id -> result(id, 0, "No Threat Detected", VerdictCategory.CLEAN);
        waits.sweep();
        assertThat(recorded).as("its fallback poll is a minute away").isEmpty();
        // Core calls back for each file, with the token it was given: the last one wakes the message
        assertThat(callbackUrls).hasSize(submitted.size());
        for (Map.Entry<String, String> call : callbackUrls.entrySet()) {
            String token = call.getValue().substring(call.getValue().lastIndexOf('/') + 1);
            assertThat(waits.called(SecretTokens.hashOf(token).orElseThrow(), call.getKey()))
                    .isEqualTo(CoreWaits.Callback.TAKEN);
        }
        Progress progress = last();
        assertThat(progress.callbacks).as("used tokens are not kept for a second use").isEmpty();
        assertThat(progress.state).isNotEqualTo(MessageState.SCANNING);
    }

    @Test
    void aMessageThatDoesNotFitIsRecordedAsBeforeWithItsPartsInTheSpool() throws Exception {
        CoreWaits waits = waiting(0);
        verdicts = MessageProcessorTest::unfinished;

        processor.process(withPdf(), Instant.now().plus(Duration.ofMinutes(10)));

        assertThat(waits.parkedNow()).isZero();
        assertThat(last().state).isEqualTo(MessageState.SCANNING);
        assertThat(last().due).isAfter(Instant.now().minusSeconds(1));
        assertThat(spool.partsOf("m2")).isDirectory();
    }

    @Test
    void aMessageWithoutALeaseIsRecordedWhateverHappens() throws Exception {
        CoreWaits waits = waiting(10);
        verdicts = MessageProcessorTest::unfinished;

        processor.process(withPdf());

        assertThat(waits.parkedNow()).isZero();
        assertThat(last().state).isEqualTo(MessageState.SCANNING);
    }

    private MessageSnapshot withPdf() throws IOException {
        spool.store("m2", new byte[0], new ByteArrayInputStream(WITH_PDF.getBytes(StandardCharsets.US_ASCII)));
        Instant now = Instant.now();
        return new MessageSnapshot("m2", MessageKind.INBOUND, MessageState.RECEIVED, "a@sender.test",
                List.of("b@example.com"), "m2", now, now, 0, null, 0, 0, List.of(), DeliveryAgent.MailOptions.NONE,
                new MessageSnapshot.Rule("r1", "cdr", null), null, null, null);
    }

    /** Core finds everything clean and says the PDF was sanitized ({@code sanitization} for it). */
    private void pdfSanitizedAs(ScanResult.Sanitization sanitization) {
        verdicts = id -> {
            boolean pdf = "report.pdf".equals(submitted.get(Integer.parseInt(id.substring(5)) - 1));
            return new ScanResult(id, true, 100, 0, "No Threat Detected", VerdictCategory.CLEAN,
                    pdf ? sanitization : ScanResult.Sanitization.NONE, pdf ? "report.pdf" : null, null);
        };
    }

    private static SecurityRules.Applied sanitizing(Boolean use, SecurityRule.CdrFailure onFailure) {
        SecurityRules.Applied d = SecurityRules.Applied.standIn("x");
        return new SecurityRules.Applied("r1", "cdr", SecurityRule.Direction.INBOUND, null, null, null, true,
                d.blocked(), d.encrypted(), d.scanError(), null, d.marks(), new SecurityRule.Cdr(use, onFailure));
    }

    private String pdfDataId() {
        return "data-" + (submitted.indexOf("report.pdf") + 1);
    }

    @Test
    void aRuleUsingSanitizedFilesDeliversCoresSanitizedCopyInThePartsPlace() throws Exception {
        rule = sanitizing(true, SecurityRule.CdrFailure.BLOCK);
        pdfSanitizedAs(ScanResult.Sanitization.SANITIZED);
        sanitizedCopies.put("data-2", SANITIZED_PDF);

        processor.process(withPdf());

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.QUEUED);
        assertThat(fetchedSanitized).containsExactly(pdfDataId());
        assertThat(progress.sanitized).containsEntry(1, "REPLACED");
        assertThat(progress.scans).anySatisfy(scan -> assertThat(scan.cdr()).isEqualTo("SANITIZED"));
        assertThat(progress.marks).contains("1 part sanitized").contains("X-Moat-CDR");
        jakarta.mail.internet.MimeMessage copy = new jakarta.mail.internet.MimeMessage(
                jakarta.mail.Session.getInstance(new java.util.Properties()),
                java.nio.file.Files.newInputStream(spool.marked("m2")));
        assertThat(copy.getHeader("X-Moat-CDR")).containsExactly("sanitized: report.pdf");
        jakarta.mail.BodyPart pdf = ((jakarta.mail.internet.MimeMultipart) copy.getContent()).getBodyPart(1);
        assertThat(pdf.getFileName()).isEqualTo("report.pdf");
        assertThat(pdf.getInputStream().readAllBytes()).isEqualTo(SANITIZED_PDF);
        assertThat(java.nio.file.Files.readString(spool.message("m2"))).as("the stored message stays as it came")
                .isEqualTo(WITH_PDF);
    }

    @Test
    void aFailedSanitizationBlocksTheMessageUnderARuleThatBlocksForIt() throws Exception {
        rule = sanitizing(true, SecurityRule.CdrFailure.BLOCK);
        pdfSanitizedAs(ScanResult.Sanitization.FAILED);

        processor.process(withPdf());

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.BLOCKED);
        assertThat(progress.reason).isEqualTo("blocked: sanitization failed: report.pdf (Core could not sanitize it)");
        assertThat(progress.outcome).isEqualTo("BLOCKED");
        assertThat(progress.sanitized).containsEntry(1, "FAILED");
        assertThat(progress.marked).isFalse();
        assertThat(fetchedSanitized).isEmpty();
        assertThat(told).singleElement().satisfies(held -> assertThat(held.outcome()).isEqualTo(AdminOutcome.BLOCKED));
    }

    @Test
    void aSanitizedCopyCoreNoLongerHasIsAFailedSanitization() throws Exception {
        rule = sanitizing(true, SecurityRule.CdrFailure.BLOCK);
        pdfSanitizedAs(ScanResult.Sanitization.SANITIZED);

        processor.process(withPdf());

        assertThat(last().state).isEqualTo(MessageState.BLOCKED);
        assertThat(last().reason).endsWith("report.pdf (Core has no sanitized copy)");
    }

    @Test
    void aSanitizedCopyOverTheCapIsAFailedSanitization() throws Exception {
        rule = sanitizing(true, SecurityRule.CdrFailure.BLOCK);
        pdfSanitizedAs(ScanResult.Sanitization.SANITIZED);
        sanitizedCopies.put("data-2", SANITIZED_PDF);
        cdrCap = SANITIZED_PDF.length - 1;

        processor.process(withPdf());

        assertThat(last().state).isEqualTo(MessageState.BLOCKED);
        assertThat(last().reason).endsWith("report.pdf (the sanitized copy is larger than " + cdrCap
                + " bytes (moat.cdr.max-bytes))");
    }

    @Test
    void aFailedSanitizationDeliversTheOriginalTaggedUnderARuleThatDeliversOriginals() throws Exception {
        rule = sanitizing(true, SecurityRule.CdrFailure.DELIVER_ORIGINAL);
        pdfSanitizedAs(ScanResult.Sanitization.FAILED);

        processor.process(withPdf());

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.QUEUED);
        assertThat(progress.sanitized).containsEntry(1, "FAILED");
        String copy = java.nio.file.Files.readString(spool.marked("m2"), StandardCharsets.ISO_8859_1);
        assertThat(copy).contains("Subject: [NOT SANITIZED] report")
                .contains("X-Moat-CDR: NOT sanitized: report.pdf (Core could not sanitize it)")
                .contains("JVBERi0xLjQgb3JpZ2luYWw=");
    }

    @Test
    void aRuleThatDoesNotUseSanitizedFilesDeliversTheOriginalWithoutAskingForTheCopy() throws Exception {
        rule = sanitizing(false, SecurityRule.CdrFailure.BLOCK);
        pdfSanitizedAs(ScanResult.Sanitization.SANITIZED);
        sanitizedCopies.put("data-2", SANITIZED_PDF);

        processor.process(withPdf());

        assertThat(last().state).isEqualTo(MessageState.QUEUED);
        assertThat(last().marked).isFalse();
        assertThat(last().sanitized).isEmpty();
        assertThat(fetchedSanitized).isEmpty();
    }

    @Test
    void coreUnavailableForTheSanitizedCopyLeavesTheMessageToBeDecidedAgainUncounted() throws Exception {
        rule = sanitizing(true, SecurityRule.CdrFailure.BLOCK);
        pdfSanitizedAs(ScanResult.Sanitization.SANITIZED);
        sanitizedUnavailable = true;

        processor.process(withPdf());

        Progress progress = last();
        assertThat(progress.state).isEqualTo(MessageState.SCANNED);
        assertThat(progress.claimFailed).isFalse();
        assertThat(progress.due).isAfter(Instant.now());
        assertThat(progress.reason).contains("Core unavailable for the sanitized files");
    }

    private static SecurityRules.Applied bypassing() {
        return new SecurityRules.Applied("r1", "bypass", SecurityRule.Direction.INBOUND, null, null, null, true,
                SecurityRule.Blocked.QUARANTINE, SecurityRule.Encrypted.QUARANTINE, SecurityRule.ScanError.BYPASS,
                Duration.ofMinutes(1), new SecurityRule.Marks(null, null, null, null), SecurityRule.Cdr.OFF);
    }

    private static ScanResult result(String dataId, int code, String label, VerdictCategory category) {
        return new ScanResult(dataId, true, 100, code, label, category, false, null);
    }

    /** Core as the tests want it: every file submitted is named, then fails or gets {@link #verdicts}. */
    private final class Core implements CoreClient {
        @Override
        public String submit(Path file, String fileName, SubmitOptions options)
                throws CoreUnavailableException, CoreRejectedException {
            return called(submitted(fileName), options);
        }

        @Override
        public String submit(byte[] content, String fileName, SubmitOptions options)
                throws CoreUnavailableException, CoreRejectedException {
            return called(submitted(fileName), options);
        }

        private String called(String dataId, SubmitOptions options) {
            if (options.callbackUrl() != null) {
                callbackUrls.put(dataId, options.callbackUrl());
            }
            return dataId;
        }

        private String submitted(String fileName) throws CoreUnavailableException, CoreRejectedException {
            submitted.add(fileName);
            if (submitError != null) {
                throw submitError;
            }
            if (submitFailure instanceof CoreUnavailableException unavailable) {
                throw unavailable;
            }
            if (submitFailure instanceof CoreRejectedException rejected) {
                throw rejected;
            }
            if (submitFailure instanceof RuntimeException bug) {
                throw bug;
            }
            return "data-" + submitted.size();
        }

        @Override
        public ScanResult fetchResult(String dataId) {
            return verdicts.apply(dataId);
        }

        @Override
        public Converted fetchSanitized(String dataId, Path target, long maxBytes)
                throws CoreUnavailableException {
            if (sanitizedUnavailable) {
                throw new CoreUnavailableException("Core is away");
            }
            return scripted.fetch(dataId, target, maxBytes);
        }

        @Override
        public String version() {
            return "test";
        }
    }

    /** The settings' defaults, with the data directory of the test. */
    private final class Settings extends GatewaySettings {
        @Override
        public Path dataDirectory() {
            return data;
        }

        @Override
        public Duration pipelineLease() {
            return Duration.ofMinutes(10);
        }

        @Override
        public synchronized String hostName() {
            return "gateway.test";
        }

        @Override
        public Duration retryInitial() {
            return Duration.ofMinutes(1);
        }

        @Override
        public Duration retryMax() {
            return Duration.ofHours(1);
        }

        @Override
        public Duration maxLifetime() {
            return Duration.ofDays(5);
        }

        @Override
        public int maxFailedClaims() {
            return 3;
        }

        @Override
        public int mimeMaxParts() {
            return 1000;
        }

        @Override
        public int mimeMaxDepth() {
            return 20;
        }

        @Override
        public int mimeMaxHeaderBytes() {
            return 65536;
        }

        @Override
        public long mimeMaxDecodedBytes() {
            return 1 << 27;
        }

        @Override
        public int scanMaxAttempts() {
            return 3;
        }

        @Override
        public Duration scanMaxTime() {
            return Duration.ofDays(1);
        }

        @Override
        public long cdrMaxBytes() {
            return cdrCap;
        }
    }
}
