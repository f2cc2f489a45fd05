package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The emulator's deterministic Deep CDR, as CORE-API.md has Core report and serve it. */
class CoreEmulatorSanitizationTest {

    private static final Pattern DATA_ID = Pattern.compile("\\{\"data_id\":\"([0-9a-f]{32})\"}");

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private CoreEmulator core;

    @BeforeEach
    void start() throws IOException {
        core = CoreEmulator.builder().build().start();
    }

    @AfterEach
    void stop() {
        core.stop();
    }

    private String submit(byte[] body, String name) throws Exception {
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(core.baseUri().resolve("/file"))
                .header("apikey", CoreEmulator.DEFAULT_API_KEY).header("filename", name)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = DATA_ID.matcher(answer.body());
        assertThat(m.matches()).as(answer.body()).isTrue();
        return m.group(1);
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(core.baseUri().resolve(path))
                .header("apikey", CoreEmulator.DEFAULT_API_KEY).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private String result(String dataId) throws Exception {
        return new String(get("/file/" + dataId).body(), StandardCharsets.UTF_8);
    }

    @Test
    void aCleanFileWithTheMarkerIsSanitizedIntoThePrefixAndItsOwnBytes() throws Exception {
        byte[] file = ("report " + CoreEmulator.SANITIZE_MARKER + " \u0000\u00ff end").getBytes(
                StandardCharsets.ISO_8859_1);
        String id = submit(file, "report.pdf");

        assertThat(result(id)).contains("\"result\":\"Allowed\"")
                .contains("\"post_processing\":{\"actions_ran\":\"Sanitized\",\"converted_destination\":"
                        + "\"report.pdf\"}");
        HttpResponse<byte[]> converted = get("/file/converted/" + id);
        assertThat(converted.statusCode()).isEqualTo(200);
        assertThat(converted.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        byte[] expected = (CoreEmulator.SANITIZED_PREFIX + new String(file, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        assertThat(converted.body()).isEqualTo(expected);
    }

    @Test
    void aCleanFileWithTheFailMarkerFailsSanitizationAndHasNoConvertedFile() throws Exception {
        String id = submit(("x " + CoreEmulator.CDR_FAIL_MARKER).getBytes(StandardCharsets.US_ASCII), "a.docx");

        assertThat(result(id)).contains("\"actions_ran\":\"\",\"actions_failed\":\"Sanitization Failed\","
                + "\"converted_destination\":\"\"");
        assertThat(get("/file/converted/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void anOrdinaryFileIsNotSanitizedAndHasNoConvertedFile() throws Exception {
        String id = submit("hello".getBytes(StandardCharsets.US_ASCII), "a.txt");

        assertThat(result(id)).contains("\"post_processing\":{\"actions_ran\":\"\",\"converted_destination\":\"\"}");
        assertThat(get("/file/converted/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void anInfectedFileIsNeverSanitized() throws Exception {
        String id = submit((CoreEmulator.EICAR + CoreEmulator.SANITIZE_MARKER).getBytes(StandardCharsets.US_ASCII),
                "bad.com");

        assertThat(result(id)).contains("\"scan_all_result_i\":1").contains("\"actions_ran\":\"\"");
        assertThat(get("/file/converted/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void theConvertedFileIsThereOnlyOnceProcessingIsDone() throws Exception {
        core.setDelay(Duration.ofSeconds(30));
        String id = submit(CoreEmulator.SANITIZE_MARKER.getBytes(StandardCharsets.US_ASCII), "a.pdf");

        assertThat(result(id)).contains("\"actions_ran\":\"\"");
        assertThat(get("/file/converted/" + id).statusCode()).isEqualTo(404);
    }

    @Test
    void theConvertedFileNeedsTheKeyAndAKnownId() throws Exception {
        String id = submit(CoreEmulator.SANITIZE_MARKER.getBytes(StandardCharsets.US_ASCII), "a.pdf");

        HttpResponse<String> noKey = client.send(HttpRequest.newBuilder(core.baseUri().resolve("/file/converted/" + id))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(get("/file/converted/0123456789abcdef0123456789abcdef").statusCode()).isEqualTo(404);
        assertThat(get("/file/converted/" + id).statusCode()).isEqualTo(200);
    }
}
