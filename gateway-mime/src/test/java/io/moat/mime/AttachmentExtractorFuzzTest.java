package io.moat.mime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.moat.mime.AttachmentExtractor.Attachment;
import io.moat.mime.AttachmentExtractor.Extraction;
import java.io.IOException;
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
 * decoded-byte limit, and never leaves a file it does not name.
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
            // a message that could not be taken apart is scanned whole, beside a finding that says so
            boolean whole = !found.isEmpty() && found.get(0).fileName().equals("message.eml");
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
        } finally {
            delete(parts);
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
