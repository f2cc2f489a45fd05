package io.moat.mime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.moat.mime.AttachmentExtractor.Attachment;
import io.moat.mime.AttachmentExtractor.Extraction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;

/**
 * Whatever a sender writes, the extraction ends, within its limits, with parts the scanner can read or a finding
 * that says why not: it never throws, never holds more than its budget in memory, never writes more than its
 * decoded-byte limit, and never leaves a file it does not name. The marker, given the ranges found, writes the message
 * again or says with an {@link IOException} that it cannot.
 *
 * <p>It runs in a surefire execution of its own ({@code fuzz-mime-extraction}): first on the committed inputs
 * ({@code AttachmentExtractorFuzzTestInputs}), then fuzzing for {@code fuzz.duration} (20 s); what it finds goes to
 * {@code target/jazzer}. Longer: {@code ./mvnw -pl gateway-delivery -am test -Dtest=NONE
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfuzz.duration=30m}.
 */
class AttachmentExtractorFuzzTest {

    /** Small limits, so that the fuzzer reaches each of them with small inputs. */
    private static final MimeLimits LIMITS = new MimeLimits(40, 6, 2048, 64 * 1024);
    private static final long BUDGET = 4096;
    private static final Path DIR = temporaryDirectory();

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("moat-fuzz-mime");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "20s")
    void anyMessageIsTakenApartWithinItsLimits(byte[] message) throws IOException {
        Path file = DIR.resolve("message.eml");
        Path parts = DIR.resolve("parts");
        Files.write(file, message);
        try {
            Extraction extraction = AttachmentExtractor.extract(file, parts, BUDGET, LIMITS);

            List<Attachment> found = extraction.attachments();
            long held = extraction.held().values().stream().mapToLong(b -> b.length).sum();
            assertThat(held).isLessThanOrEqualTo(BUDGET);
            List<String> files = files(parts);
            long written = 0;
            for (String name : files) {
                assertThat(found).as("a file in the parts folder is a part found: %s", name)
                        .anyMatch(a -> a.partName().equals(name));
                written += Files.size(parts.resolve(name));
            }
            // a message that could not be taken apart is scanned whole, beside a finding that says so; whole, not
            // by its name (a sender may name an attachment message.eml): the part is every byte of the file
            boolean whole = !found.isEmpty() && found.get(0).finding() == null
                    && found.get(0).size() == message.length && found.get(0).entityStart() == 0
                    && found.get(0).entityEnd() == message.length;
            if (whole) {
                assertThat(found).last().extracting(a -> a.finding().category())
                        .isEqualTo(AttachmentExtractor.Finding.Kind.UNINSPECTED);
            }
            if (!whole) {
                assertThat(written + held).isLessThanOrEqualTo(LIMITS.maxDecodedBytes());
                // the parts, and at most one finding of each kind
                assertThat(found.stream().filter(a -> a.finding() == null)).hasSizeLessThanOrEqualTo(
                        LIMITS.maxParts());
            }
            for (int i = 0; i < found.size(); i++) {
                Attachment a = found.get(i);
                assertThat(a.index()).isEqualTo(i);
                if (a.finding() == null) {
                    assertThat(a.size()).isPositive();
                    byte[] bytes = extraction.held(a.partName());
                    long size = bytes != null ? bytes.length : Files.size(parts.resolve(a.partName()));
                    assertThat(size).isEqualTo(a.size());
                } else {
                    assertThat(a.finding().category()).isIn(AttachmentExtractor.Finding.Kind.SUSPICIOUS,
                            AttachmentExtractor.Finding.Kind.UNINSPECTED);
                    assertThat(a.finding().label()).isNotBlank();
                }
            }
            marksWithoutSurprises(file, extraction);
        } finally {
            delete(parts);
        }
    }

    /**
     * The marker, given the message and the ranges the extraction found in it, writes a message or fails with an
     * {@link IOException} (which the pipeline answers by failing closed), never with anything else.
     */
    private static void marksWithoutSurprises(Path file, Extraction extraction) {
        List<Marks.Removal> removals = extraction.attachments().stream()
                .filter(a -> a.finding() == null && !a.body() && a.entityStart() >= 0)
                .map(a -> new Marks.Removal(a.entityStart(), a.entityEnd(), "removed " + a.fileName()))
                .toList();
        Marks.Disclaimer notice = new Marks.Disclaimer("Scanned \u2713", null, Marks.Disclaimer.Position.BOTTOM,
                Marks.Disclaimer.Style.WARNING);
        for (Marks marks : List.of(new Marks(List.of(new Marks.Header("X-Moat-Rule", "r\u00e8gle")), "[TAG]",
                notice, List.of()), new Marks(List.of(), null, notice, removals))) {
            try {
                MessageMarker.mark(file, marks, OutputStream.nullOutputStream(), LIMITS);
            } catch (IOException e) {
                // the message cannot be rewritten: it is not delivered
            }
        }
    }

    private static List<String> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @AfterAll
    static void removeTheDirectory() throws IOException {
        delete(DIR);
    }
}
