package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CoreClient#fetchSanitized}: {@code GET /file/converted/{data_id}} against a fake Core (CORE-API.md). */
class CoreClientSanitizedTest {

    private static final String ID = "8101abae27be4d63859c55d9e0ed0135";
    private static final String PATH = "/core/file/converted/" + ID;

    @TempDir
    Path folder;

    private FakeCore core;
    private CoreClient client;

    @BeforeEach
    void setUp() throws IOException {
        core = new FakeCore();
        client = CoreClients.create(new CoreServer(core.uri("/core"), "k-9", "Mail", Duration.ofSeconds(5)));
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    private static byte[] binary(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    @Test
    void theSanitizedBytesAreWrittenToTheFileExactlyWithTheKey() throws Exception {
        byte[] sanitized = binary(200_000);
        core.answerFile(PATH, sanitized, false);
        Path target = folder.resolve("converted");

        assertThat(client.fetchSanitized(ID, target, 1_000_000)).isEqualTo(CoreClient.Converted.WRITTEN);

        assertThat(Files.readAllBytes(target)).isEqualTo(sanitized);
        FakeCore.Received request = core.onlyRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo(PATH);
        assertThat(request.header("apikey")).isEqualTo("k-9");
    }

    @Test
    void aChunkedAnswerIsWrittenWhole() throws Exception {
        byte[] sanitized = binary(100_000);
        core.answerFile(PATH, sanitized, true);
        Path target = folder.resolve("converted");

        assertThat(client.fetchSanitized(ID, target, 100_000)).isEqualTo(CoreClient.Converted.WRITTEN);

        assertThat(Files.readAllBytes(target)).isEqualTo(sanitized);
    }

    @Test
    void aFileOverTheCapIsNotKeptWithALengthOrChunked() throws Exception {
        Path target = folder.resolve("converted");
        for (boolean chunked : new boolean[]{false, true}) {
            core.answerFile(PATH, binary(50_001), chunked);

            assertThat(client.fetchSanitized(ID, target, 50_000)).as("chunked %s", chunked)
                    .isEqualTo(CoreClient.Converted.TOO_LARGE);

            assertThat(target).as("chunked %s", chunked).doesNotExist();
        }
    }

    @Test
    void theClientStaysUsableAfterAFileOverTheCap() throws Exception {
        core.answerFile(PATH, binary(70_000), false);
        client.fetchSanitized(ID, folder.resolve("a"), 10);
        core.answerFile(PATH, binary(1000), false);

        assertThat(client.fetchSanitized(ID, folder.resolve("b"), 1000)).isEqualTo(CoreClient.Converted.WRITTEN);
        assertThat(Files.size(folder.resolve("b"))).isEqualTo(1000);
    }

    @Test
    void notFoundMeansCoreHasNoSanitizedCopy() throws Exception {
        core.answer(PATH, 404, "{\"err\":\"Not Found\"}");
        Path target = folder.resolve("converted");

        assertThat(client.fetchSanitized(ID, target, 1000)).isEqualTo(CoreClient.Converted.NOT_FOUND);
        assertThat(target).doesNotExist();
    }

    @Test
    void busyIsUnavailableAndABadKeyIsRejected() throws Exception {
        core.answer(PATH, 503, "{\"err\":\"Server is too busy. Try again later.\"}");
        assertThat(catchThrowableOfType(() -> client.fetchSanitized(ID, folder.resolve("x"), 1000),
                CoreUnavailableException.class)).hasMessageContaining("503");

        core.answer(PATH, 401, "{\"err\":\"Invalid apikey\"}");
        assertThat(catchThrowableOfType(() -> client.fetchSanitized(ID, folder.resolve("x"), 1000),
                CoreRejectedException.class).status()).isEqualTo(401);
    }

    @Test
    void aFailoverClientAsksTheServerThatTookTheFile() throws Exception {
        try (FakeCore second = new FakeCore()) {
            byte[] sanitized = binary(3000);
            second.answerFile("/file/converted/" + ID, sanitized, false);
            CoreClient first = CoreClients.create(new CoreServer(core.uri(""), "k", null, Duration.ofSeconds(5)));
            CoreClient other = CoreClients.create(new CoreServer(second.uri(""), "k", null, Duration.ofSeconds(5)));
            CoreClient both = CoreClients.failover(java.util.List.of(first, other), () -> 0);
            Path target = folder.resolve("converted");

            assertThat(both.fetchSanitized("1/" + ID, target, 10_000)).isEqualTo(CoreClient.Converted.WRITTEN);
            assertThat(Files.readAllBytes(target)).isEqualTo(sanitized);
            assertThat(core.received()).isEmpty();
            assertThat(both.fetchSanitized("7/" + ID, target, 10_000)).isEqualTo(CoreClient.Converted.NOT_FOUND);
        }
    }
}
