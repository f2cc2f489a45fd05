package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How Core's refusals and failures reach the caller: retry later, or give up. */
class CoreClientFailureTest {

    private static final String KEY = "secret-key-4711";

    @TempDir
    Path dir;

    private FakeCore core;
    private Path file;

    @BeforeEach
    void setUp() throws IOException {
        core = new FakeCore();
        file = Files.writeString(dir.resolve("a.txt"), "hello");
    }

    @AfterEach
    void tearDown() {
        core.close();
    }

    private CoreClient client(Duration timeout) {
        return CoreClients.create(new CoreServer(core.uri("/core"), KEY, null, timeout));
    }

    private CoreClient client() {
        return client(Duration.ofSeconds(5));
    }

    @Test
    void busyCoreIsUnavailableNotAVerdict() {
        core.answer("/core/file", 503, "{\"err\":\"Server is too busy. Try again later.\"}");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e).hasMessageContaining("503").hasMessageContaining("Server is too busy");
        assertThat(e.getMessage()).doesNotContain(KEY);
    }

    @ParameterizedTest
    @ValueSource(ints = {429, 500, 502, 504})
    void serverErrorsAndTooManyRequestsAreUnavailable(int status) {
        core.answer("/core/file", status, "<html><body>Bad Gateway</body></html>");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e).hasMessageContaining(String.valueOf(status)).hasMessageContaining("Bad Gateway");
    }

    @Test
    void badKeyIsRejectedWithStatusAndCoresText() {
        core.answer("/core/file", 401, "{\"err\":\"Invalid apikey\"}");

        CoreRejectedException e = catchThrowableOfType(CoreRejectedException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e.status()).isEqualTo(401);
        assertThat(e.err()).isEqualTo("Invalid apikey");
        assertThat(e).hasMessageContaining("401").hasMessageContaining("Invalid apikey");
    }

    @Test
    void emptyFileIsRejectedWith422() {
        core.answer("/core/file", 422, "{\"err\":\"File is empty.\"}");

        CoreRejectedException e = catchThrowableOfType(CoreRejectedException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e.status()).isEqualTo(422);
        assertThat(e.err()).isEqualTo("File is empty.");
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 411, 413, 418})
    void otherClientErrorsAreRejected(int status) {
        core.answer("/core/file", status, "{\"err\":\"nope " + status + "\"}");

        CoreRejectedException e = catchThrowableOfType(CoreRejectedException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e.status()).isEqualTo(status);
        assertThat(e.err()).isEqualTo("nope " + status);
    }

    @Test
    void rejectionsOfOtherCallsCarryTheStatusToo() {
        core.answer("/core/version", 403, "{\"err\":\"Access denied\"}");

        CoreRejectedException e = catchThrowableOfType(CoreRejectedException.class, () -> client().version());

        assertThat(e.status()).isEqualTo(403);
        assertThat(e.err()).isEqualTo("Access denied");
    }

    @Test
    void theApiKeyNeverAppearsInMessagesEvenWhenCoreEchoesIt() {
        core.answer("/core/file", 401, "{\"err\":\"Invalid apikey " + KEY + "\"}");
        core.answer("/core/version", 503, "busy for " + KEY);
        core.answer("/core/file/x", 200, "not json " + KEY);

        CoreRejectedException rejected = catchThrowableOfType(CoreRejectedException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));
        CoreUnavailableException busy = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().version());
        CoreUnavailableException garbled = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().fetchResult("x"));

        assertThat(rejected.getMessage()).contains("Invalid apikey").doesNotContain(KEY);
        assertThat(rejected.err()).doesNotContain(KEY);
        assertThat(busy.getMessage()).contains("busy for").doesNotContain(KEY);
        assertThat(garbled.getMessage()).contains("not json").doesNotContain(KEY);
    }

    @Test
    void connectionRefusedIsUnavailable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        CoreClient client = CoreClients.create(
                new CoreServer(URI.create("http://127.0.0.1:" + closedPort), KEY, null, Duration.ofSeconds(5)));

        CoreUnavailableException submit = catchThrowableOfType(CoreUnavailableException.class,
                () -> client.submit(file, "a.txt", SubmitOptions.none()));
        CoreUnavailableException version = catchThrowableOfType(CoreUnavailableException.class, client::version);
        CoreUnavailableException result = catchThrowableOfType(CoreUnavailableException.class,
                () -> client.fetchResult("abc"));

        assertThat(List.of(submit, version, result)).allSatisfy(e -> {
            assertThat(e).hasMessageContaining("127.0.0.1:" + closedPort);
            assertThat(e.getMessage()).doesNotContain(KEY);
            assertThat(e.getCause()).isInstanceOf(IOException.class);
        });
    }

    @Test
    void connectionResetIsUnavailable() throws Exception {
        Thread acceptor;
        try (ServerSocket resetting = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            // a request that fails on a kept connection is sent once more on a new one: reset every connection
            acceptor = new Thread(() -> {
                while (!resetting.isClosed()) {
                    try (Socket socket = resetting.accept()) {
                        readRequestHead(socket.getInputStream());
                        socket.setSoLinger(true, 0); // close with RST instead of an answer
                    } catch (IOException closedAtTheEndOfTheTest) {
                        return;
                    }
                }
            });
            acceptor.start();
            CoreClient client = CoreClients.create(new CoreServer(
                    URI.create("http://127.0.0.1:" + resetting.getLocalPort()), KEY, null, Duration.ofSeconds(5)));

            CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class, client::version);

            assertThat(e).hasMessageContaining("GET http://127.0.0.1:" + resetting.getLocalPort() + "/version");
            assertThat(e.getCause()).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
        }
        acceptor.join(5_000);
        assertThat(acceptor.isAlive()).isFalse();
    }

    private static void readRequestHead(InputStream in) throws IOException {
        byte[] end = {'\r', '\n', '\r', '\n'};
        int matched = 0;
        while (matched < end.length) {
            int b = in.read();
            if (b == -1) {
                return;
            }
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    @Test
    void slowCoreTimesOutAsUnavailable() {
        core.answerSlowly("/core/file/abc", Duration.ofSeconds(10), 200, "{}");

        long start = System.nanoTime();
        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class,
                () -> client(Duration.ofMillis(300)).fetchResult("abc"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(e).hasMessageContaining("no answer within PT0.3S");
    }

    @Test
    void unparseableAnswerIsUnavailable() {
        core.answer("/core/file", 200, "<html>proxy login</html>");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e).hasMessageContaining("unreadable answer").hasMessageContaining("proxy login");
    }

    @Test
    void answerWithoutDataIdIsUnavailable() {
        core.answer("/core/file", 200, "{\"status\":\"queued\"}");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().submit(file, "a.txt", SubmitOptions.none()));

        assertThat(e).hasMessageContaining("no data_id");
    }

    @Test
    void answerThatIsNotAnObjectIsUnavailable() {
        core.answer("/core/version", 200, "[\"4.18.0\"]");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class, () -> client().version());

        assertThat(e).hasMessageContaining("not a JSON object");
    }

    @Test
    void redirectIsNotFollowedAndNotAVerdict() {
        core.answer("/core/file/abc", 302, "");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class,
                () -> client().fetchResult("abc"));

        assertThat(e).hasMessageContaining("unexpected HTTP 302");
    }
}
