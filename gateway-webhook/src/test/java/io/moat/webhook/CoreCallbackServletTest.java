package io.moat.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CoreCallbackServletTest {

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
        assertThat(CoreCallbackServlet.token("/abc")).isEqualTo("abc");
        assertThat(CoreCallbackServlet.token(null)).isNull();
        assertThat(CoreCallbackServlet.token("/")).isNull();
        assertThat(CoreCallbackServlet.token("/abc/def")).isNull();
        assertThat(CoreCallbackServlet.token("/abc/")).isNull();
    }

    private static String dataId(String body) {
        return CoreCallbackServlet.dataId(body.getBytes(StandardCharsets.UTF_8));
    }
}
