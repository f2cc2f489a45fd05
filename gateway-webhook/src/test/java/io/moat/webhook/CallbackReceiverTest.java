package io.moat.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.CoreCallbacks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackReceiverTest {

    private static final String BODY = "{\"data_id\":\"d1\"}";

    /** What the receiver handed over: token|data_id; only the token "good" is one the gateway waits for. */
    private final List<String> handedOver = new ArrayList<>();
    private final CallbackReceiver receiver = new CallbackReceiver(new CoreCallbacks() {
        @Override
        public boolean callback(String token, String dataId) {
            handedOver.add(token + "|" + dataId);
            return token.equals("good");
        }
    }, new CallbackLimiter(1000));

    @Test
    void aCallbackWaitedForIsTakenWith204AndItsTokenAndDataIdHandedOver() throws IOException {
        assertThat(take("POST", "/webhook/core/good", BODY).status()).isEqualTo(204);
        assertThat(take("PUT", "/webhook/core/good", BODY).problem()).isNull();
        assertThat(handedOver).containsExactly("good|d1", "good|d1");
    }

    @Test
    void everyOtherCallbackIsOne404AndTheBodyIsAProblem() throws IOException {
        CallbackReceiver.Answer unknown = take("POST", "/webhook/core/forged", BODY);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(new String(unknown.problem(), StandardCharsets.UTF_8)).contains("\"status\":404")
                .contains("\"title\":\"Not Found\"");
        // a path that holds no token is refused alike, and nothing is handed over for it
        assertThat(take("POST", "/webhook/core/", BODY).status()).isEqualTo(404);
        assertThat(take("POST", "/other/good", BODY).status()).isEqualTo(404);
        assertThat(take("POST", "/", BODY).status()).isEqualTo(404);
        assertThat(take("POST", "/", "not json").status()).isEqualTo(404);
        assertThat(handedOver).containsExactly("forged|d1");
    }

    @Test
    void otherMethodsBadBodiesAndLargeBodiesAreRefusedBeforeAnythingIsHandedOver() throws IOException {
        assertThat(take("GET", "/webhook/core/good", "").status()).isEqualTo(405);
        assertThat(take("DELETE", "/webhook/core/good", "").status()).isEqualTo(405);
        // elsewhere, whatever the method: nothing there
        assertThat(take("GET", "/api/v1/messages", "").status()).isEqualTo(404);
        assertThat(take("POST", "/webhook/core/good", "not json").status()).isEqualTo(400);
        String large = "{\"data_id\":\"d1\",\"x\":\"" + "y".repeat(CallbackReceiver.MAX_BODY) + "\"}";
        assertThat(take("POST", "/webhook/core/good", large).status()).isEqualTo(413);
        // declared too large: refused without reading the body
        assertThat(receiver.take("POST", "/webhook/core/good", "192.0.2.1", CallbackReceiver.MAX_BODY + 1L, () -> {
            throw new AssertionError("the body was read");
        }).status()).isEqualTo(413);
        assertThat(handedOver).isEmpty();
    }

    @Test
    void noBodyIsReadForAnotherMethodOrAnotherPath() throws IOException {
        CallbackReceiver.Body unread = () -> {
            throw new AssertionError("the body was read");
        };
        assertThat(receiver.take("GET", "/webhook/core/good", "192.0.2.1", 10, unread).status()).isEqualTo(405);
        assertThat(receiver.take("POST", "/favicon.ico", "192.0.2.1", 10, unread).status()).isEqualTo(404);
    }

    @Test
    void onlyTriedTokensCostASourceFiftyProbesOfOtherPathsCostOne() throws IOException {
        // a burst of 2 x 10 a second: a tried token spends 50, so the next request is refused
        CallbackReceiver slow = new CallbackReceiver(new CoreCallbacks() {
            @Override
            public boolean callback(String token, String dataId) {
                return false;
            }
        }, new CallbackLimiter(10));
        for (int i = 0; i < 10; i++) {
            assertThat(slow.take("GET", "/health", "192.0.2.9", -1, () -> (InputStream) new ByteArrayInputStream(
                    new byte[0])).status()).isEqualTo(404);
        }
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        assertThat(slow.take("POST", "/webhook/core/forged", "192.0.2.9", -1,
                () -> (InputStream) new ByteArrayInputStream(body)).status()).isEqualTo(404);
        assertThat(slow.take("POST", "/webhook/core/forged", "192.0.2.9", -1,
                () -> (InputStream) new ByteArrayInputStream(body)).status()).isEqualTo(429);
    }

    @Test
    void aSourceTryingTokensMeets429() throws IOException {
        int status = 0;
        for (int i = 0; i < 100 && status != 429; i++) {
            status = take("POST", "/webhook/core/forged" + i, BODY).status();
        }
        assertThat(status).isEqualTo(429);
    }

    private CallbackReceiver.Answer take(String method, String path, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return receiver.take(method, path, "192.0.2.1", -1, () -> (InputStream) new ByteArrayInputStream(bytes));
    }

    @Test
    void readsTheDataIdOfCoresResultJson() {
        assertThat(dataId("{\"data_id\":\"61dffeaa728844adbf49eb090e4ece0e\",\"process_info\":{\"result\":"
                + "\"Allowed\",\"progress_percentage\":100}}")).isEqualTo("61dffeaa728844adbf49eb090e4ece0e");
    }

    @Test
    void anythingElseHasNoDataId() {
        assertThat(dataId("")).isNull();
        assertThat(dataId("not json")).isNull();
        assertThat(dataId("[\"data_id\"]")).isNull();
        assertThat(dataId("{\"data_id\": 5}")).isNull();
        assertThat(dataId("{\"data_id\": \"\"}")).isNull();
        assertThat(dataId("{\"data_id\": \"" + "a".repeat(65) + "\"}")).isNull();
        assertThat(dataId("{\"process_info\": {}}")).isNull();
        assertThat(dataId("{\"data_id\": \"x\"")).isNull();
    }

    @Test
    void theTokenIsThePathsOneSegmentAndNothingElse() {
        assertThat(CallbackReceiver.token("/webhook/core/abc")).isEqualTo("abc");
        assertThat(CallbackReceiver.token(null)).isNull();
        assertThat(CallbackReceiver.token("/other/abc")).isNull();
        assertThat(CallbackReceiver.token("/webhook/core/")).isNull();
        assertThat(CallbackReceiver.token("/webhook/core/abc/def")).isNull();
        assertThat(CallbackReceiver.token("/webhook/core/abc/")).isNull();
    }

    private static String dataId(String body) {
        return CallbackReceiver.dataId(body.getBytes(StandardCharsets.UTF_8));
    }
}
