package io.moat.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void quotesAndEscapes() {
        assertThat(Json.quote("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
        assertThat(Json.quote("l1\nl2\r\t\b\f\u0001\u001f")).isEqualTo("\"l1\\nl2\\r\\t\\b\\f\\u0001\\u001f\"");
        assertThat(Json.quote("résumé €")).isEqualTo("\"résumé €\"");
        assertThat(Json.quote("\u2028")).isEqualTo("\"\\u2028\"");
        assertThat(Json.quote(null)).isEqualTo("\"\"");
        assertThat(Json.error("File is empty.")).isEqualTo("{\"err\":\"File is empty.\"}");
    }
}
