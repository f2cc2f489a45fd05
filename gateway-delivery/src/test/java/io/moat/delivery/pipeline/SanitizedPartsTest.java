package io.moat.delivery.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.ScanResult;
import io.moat.core.SubmitOptions;
import io.moat.delivery.marks.CopyMarks;
import io.moat.settings.rules.SecurityRule.CdrFailure;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which parts Deep CDR replaces, and why the others fail, with Core's sanitized copies scripted. */
class SanitizedPartsTest {

    @TempDir
    Path folder;

    private final ScriptedCopies scripted = new ScriptedCopies();
    private final Map<String, byte[]> copies = scripted.copies;
    private final List<String> asked = scripted.asked;
    private CoreRejectedException refusal;

    private final CoreClient core = new CoreClient() {
        @Override
        public String submit(Path file, String fileName, SubmitOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String submit(byte[] content, String fileName, SubmitOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ScanResult fetchResult(String dataId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Converted fetchSanitized(String dataId, Path target, long maxBytes) throws CoreRejectedException {
            if (refusal != null) {
                throw refusal;
            }
            return scripted.fetch(dataId, target, maxBytes);
        }

        @Override
        public String version() {
            return "test";
        }
    };

    private static SanitizedParts.Part part(int index, String name, String cdr, String cdrName, long start,
            long end) {
        return new SanitizedParts.Part(index, name, "d" + index, cdr, cdrName, start, end, true);
    }

    private SanitizedParts.Outcome fetch(CdrFailure onFailure, SanitizedParts.Part... parts) throws Exception {
        return SanitizedParts.fetch(List.of(parts), core, folder, 1000, onFailure);
    }

    @Test
    void aSanitizedPartOfItsOwnIsSwappedUnderItsOwnNameWhenCoreKeptIt() throws Exception {
        copies.put("d1", new byte[]{1, 2, 3});

        SanitizedParts.Outcome outcome = fetch(CdrFailure.BLOCK, part(0, "body.txt", null, null, 10, 20),
                part(1, "a.pdf", "SANITIZED", "a.pdf", 30, 90));

        assertThat(outcome.copy().swaps()).singleElement().satisfies(swap -> {
            assertThat(swap.start()).isEqualTo(30);
            assertThat(swap.end()).isEqualTo(90);
            assertThat(swap.fileName()).isNull();
            assertThat(swap.contentType()).isNull();
            assertThat(swap.shownName()).isEqualTo("a.pdf");
            assertThat(swap.file()).hasBinaryContent(new byte[]{1, 2, 3});
        });
        assertThat(outcome.recorded()).containsExactly(Map.entry(1, "REPLACED"));
        assertThat(outcome.failures()).isEmpty();
        assertThat(asked).containsExactly("d1");
    }

    @Test
    void aCopyCoreRenamedGetsTheNewNameAndTheTypeItsExtensionSays() throws Exception {
        copies.put("d1", new byte[]{1});

        CopyMarks.Swap swap = fetch(CdrFailure.BLOCK, part(1, "minutes.doc", "SANITIZED", "minutes.pdf", 0, 9))
                .copy().swaps().get(0);

        assertThat(swap.fileName()).isEqualTo("minutes.pdf");
        assertThat(swap.contentType()).isEqualTo("application/pdf");
        assertThat(swap.shownName()).isEqualTo("minutes.doc as minutes.pdf");
    }

    @Test
    void aFileFoundInsideAnotherPartCannotBeReplacedAloneAndFailsWithoutAskingCore() throws Exception {
        SanitizedParts.Outcome outcome = fetch(CdrFailure.DELIVER_ORIGINAL,
                part(0, "body.txt", null, null, 10, 500), part(1, "payload.exe", "SANITIZED", null, 10, 500));

        assertThat(outcome.failures())
                .containsExactly("payload.exe (it is not a MIME part of its own, so it cannot be replaced alone)");
        assertThat(outcome.copy().unsanitized()).isEqualTo(outcome.failures());
        assertThat(outcome.copy().swaps()).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void underBlockOneFailureWithdrawsEverySwapAndTheMessageIsBlocked() throws Exception {
        copies.put("d1", new byte[]{1});

        SanitizedParts.Outcome outcome = fetch(CdrFailure.BLOCK, part(1, "a.pdf", "SANITIZED", null, 0, 9),
                part(2, "b.pdf", "FAILED", null, 10, 19));

        assertThat(outcome.blocks(CdrFailure.BLOCK)).isTrue();
        assertThat(outcome.copy().swaps()).isEmpty();
        assertThat(outcome.copy().unsanitized()).isEmpty();
        assertThat(outcome.failures()).containsExactly("b.pdf (Core could not sanitize it)");
        assertThat(outcome.recorded()).as("no part went out sanitized").containsExactly(Map.entry(2, "FAILED"));
    }

    @Test
    void aCopyTooLargeOrRefusedIsAFailureThatSaysSo() throws Exception {
        copies.put("d1", new byte[1001]);
        assertThat(fetch(CdrFailure.BLOCK, part(1, "big.pdf", "SANITIZED", null, 0, 9)).failures())
                .containsExactly("big.pdf (the sanitized copy is larger than 1000 bytes (moat.cdr.max-bytes))");

        refusal = new CoreRejectedException(403, "forbidden");
        assertThat(fetch(CdrFailure.BLOCK, part(1, "a.pdf", "SANITIZED", null, 0, 9)).failures())
                .containsExactly("a.pdf (Core refused the sanitized copy: HTTP 403)");
    }

    @Test
    void partsCutOutOrWithoutSanitizationAreLeftAlone() throws Exception {
        SanitizedParts.Part removed = new SanitizedParts.Part(1, "evil.pdf", "d1", "SANITIZED", null, 0L, 9L, false);

        assertThat(SanitizedParts.anyToDo(List.of(removed, part(2, "a.txt", null, null, 10, 19)))).isFalse();
        SanitizedParts.Outcome outcome = fetch(CdrFailure.BLOCK, removed);
        assertThat(outcome.recorded()).isEmpty();
        assertThat(asked).isEmpty();
    }

    @Test
    void aPartWhosePlaceIsNotKnownFails() throws Exception {
        SanitizedParts.Part unknown = new SanitizedParts.Part(1, "old.pdf", "d1", "SANITIZED", null, null, null,
                true);

        assertThat(fetch(CdrFailure.BLOCK, unknown).failures())
                .containsExactly("old.pdf (its place in the message is not known)");
    }

    @Test
    void theTypeOfANameComesFromItsExtension() {
        assertThat(SanitizedParts.typeOf("A.PDF")).isEqualTo("application/pdf");
        assertThat(SanitizedParts.typeOf("x.docx"))
                .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        assertThat(SanitizedParts.typeOf("noextension")).isEqualTo("application/octet-stream");
    }
}
