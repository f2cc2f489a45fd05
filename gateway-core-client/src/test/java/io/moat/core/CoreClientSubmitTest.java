package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link CoreClient#submit} puts on the wire, checked on a fake Core. */
class CoreClientSubmitTest {

    private static final String DATA_ID = "61dffeaa728844adbf49eb090e4ece0e";
    private static final String OK = "{\"data_id\":\"" + DATA_ID + "\"}";

    @TempDir
    Path dir;

    private FakeCore core;
    private Path file;
    private byte[] content;

    @BeforeEach
    void setUp() throws IOException {
        core = new FakeCore().answer("/core/file", 200, OK).answer("/file", 200, OK);
        // bigger than any buffer, so a streaming (chunked) upload would show
        content = new byte[300_000];
        new Random(42).nextBytes(content);
        file = Files.write(dir.resolve("upload.bin"), content);
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    private CoreClient client(String apiKey, String rule) {
        return CoreClients.create(new CoreServer(core.uri("/core"), apiKey, rule, Duration.ofSeconds(5)));
    }

    @Test
    void postsTheFileBytesWithContentLengthAndNoChunking() throws Exception {
        assertPostedWhole(client("k-123", null).submit(file, "report.pdf", SubmitOptions.none()));
    }

    @Test
    void postsBytesHeldInMemoryTheSameWay() throws Exception {
        assertPostedWhole(client("k-123", null).submit(content, "report.pdf", SubmitOptions.none()));
        assertThat(core.onlyRequest().header("filename")).isEqualTo("report.pdf");
        assertThat(core.onlyRequest().header("apikey")).isEqualTo("k-123");
    }

    /** The content went in one POST with its length, not chunked, and Core's data_id came back. */
    private void assertPostedWhole(String dataId) {
        assertThat(dataId).isEqualTo(DATA_ID);
        FakeCore.Received request = core.onlyRequest();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.rawPath()).isEqualTo("/core/file");
        assertThat(request.header("Content-Length")).isEqualTo(String.valueOf(content.length));
        assertThat(request.header("Transfer-Encoding")).isNull();
        assertThat(request.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(request.body()).isEqualTo(content);
    }

    @Test
    void sendsKeyUserAgentAndPlainFileName() throws Exception {
        client("k-123", null).submit(file, "report.pdf", SubmitOptions.none());

        FakeCore.Received request = core.onlyRequest();
        assertThat(request.header("apikey")).isEqualTo("k-123");
        assertThat(request.header("user_agent")).isEqualTo("moat");
        assertThat(request.header("filename")).isEqualTo("report.pdf");
    }

    @Test
    void urlEncodesANonAsciiFileNameAsUtf8WithSpacesAsPercent20() throws Exception {
        String name = "Prüfbericht März 2024+final.pdf";

        client("k", null).submit(file, name, SubmitOptions.none());

        String sent = core.onlyRequest().header("filename");
        assertThat(sent).isEqualTo("Pr%C3%BCfbericht%20M%C3%A4rz%202024%2Bfinal.pdf");
        assertThat(URLDecoder.decode(sent, StandardCharsets.UTF_8)).isEqualTo(name);
    }

    @Test
    void usesTheFilesOwnNameWhenNoneIsGiven() throws Exception {
        client("k", null).submit(file, null, null);

        assertThat(core.onlyRequest().header("filename")).isEqualTo("upload.bin");
    }

    @Test
    void bytesWithoutANameGoAsFile() throws Exception {
        client("k", null).submit(content, " ", null);

        assertThat(core.onlyRequest().header("filename")).isEqualTo("file");
    }

    @Test
    void sendsTheRuleUrlEncoded() throws Exception {
        client("k", "Multiscan + CDR/mail ü").submit(file, "a.txt", SubmitOptions.none());

        assertThat(core.onlyRequest().header("rule")).isEqualTo("Multiscan%20%2B%20CDR%2Fmail%20%C3%BC");
    }

    @Test
    void omitsKeyRuleCallbackAndPasswordsWhenNotGiven() throws Exception {
        client(" ", "  ").submit(file, "a.txt", SubmitOptions.none());

        FakeCore.Received request = core.onlyRequest();
        assertThat(request.headers().keySet())
                .map(String::toLowerCase)
                .doesNotContain("apikey", "rule", "callbackurl", "archivepwd", "archivepwd1");
        assertThat(request.header("filename")).isEqualTo("a.txt");
    }

    @Test
    void omitsTheKeyWhenItIsNull() throws Exception {
        client(null, null).submit(file, "a.txt", SubmitOptions.none());

        assertThat(core.onlyRequest().header("apikey")).isNull();
    }

    @Test
    void sendsTheCallbackUrl() throws Exception {
        String callback = "https://gateway.example:8443/webhook/core";

        client("k", null).submit(file, "a.txt", new SubmitOptions(callback, List.of()));

        assertThat(core.onlyRequest().header("callbackurl")).isEqualTo(callback);
    }

    @Test
    void sendsASinglePasswordAsArchivepwdUrlEncoded() throws Exception {
        client("k", null).submit(file, "a.zip", new SubmitOptions(null, List.of("pässwörd & co")));

        FakeCore.Received request = core.onlyRequest();
        assertThat(request.header("archivepwd")).isEqualTo("p%C3%A4ssw%C3%B6rd%20%26%20co");
        assertThat(request.header("archivepwd1")).isNull();
    }

    @Test
    void sendsSeveralPasswordsAsNumberedHeaders() throws Exception {
        List<String> passwords = List.of("infected", "s3cret=1", "geheim ß");

        client("k", null).submit(file, "a.zip", new SubmitOptions(null, passwords));

        FakeCore.Received request = core.onlyRequest();
        assertThat(request.header("archivepwd")).isNull();
        assertThat(request.header("archivepwd1")).isEqualTo("infected");
        assertThat(request.header("archivepwd2")).isEqualTo("s3cret%3D1");
        assertThat(request.header("archivepwd3")).isEqualTo("geheim%20%C3%9F");
        assertThat(request.header("archivepwd4")).isNull();
    }

    @Test
    void resolvesPathsAgainstABaseUriWithoutPrefixOrWithTrailingSlash() throws Exception {
        CoreClients.create(new CoreServer(core.uri(""), "k", null, Duration.ofSeconds(5)))
                .submit(file, "a.txt", SubmitOptions.none());
        CoreClients.create(new CoreServer(core.uri("/core/"), "k", null, Duration.ofSeconds(5)))
                .submit(file, "a.txt", SubmitOptions.none());

        assertThat(core.received()).extracting(FakeCore.Received::rawPath).containsExactly("/file", "/core/file");
    }

    @Test
    void sendsAnEmptyFileWithContentLengthZero() throws Exception {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);

        client("k", null).submit(empty, "empty.txt", SubmitOptions.none());

        FakeCore.Received request = core.onlyRequest();
        assertThat(request.header("Content-Length")).isEqualTo("0");
        assertThat(request.header("Transfer-Encoding")).isNull();
    }

    @Test
    void aMissingLocalFileIsTheCallersProblemNotCores() {
        Path missing = dir.resolve("gone.bin");

        assertThatThrownBy(() -> client("k", null).submit(missing, "gone.bin", SubmitOptions.none()))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("gone.bin");
        assertThat(core.received()).isEmpty();
    }
}
