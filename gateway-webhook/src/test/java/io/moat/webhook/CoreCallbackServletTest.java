package io.moat.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CoreCallbackResourceTest {

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

    private static String dataId(String body) {
        return CoreCallbackResource.dataId(body.getBytes(StandardCharsets.UTF_8));
    }
}
