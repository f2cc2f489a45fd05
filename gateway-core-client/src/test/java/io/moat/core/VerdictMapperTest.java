package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VerdictMapperTest {

    /** The table of the brief and of {@link VerdictMapper}'s javadoc. */
    private static final Map<Integer, VerdictCategory> TABLE = table();

    private static Map<Integer, VerdictCategory> table() {
        Map<Integer, VerdictCategory> table = new HashMap<>();
        IntStream.of(0, 7).forEach(c -> table.put(c, VerdictCategory.CLEAN));
        IntStream.of(1, 4).forEach(c -> table.put(c, VerdictCategory.INFECTED));
        IntStream.of(2, 8, 9, 13, 14, 16, 17, 18, 20, 21, 22).forEach(c -> table.put(c, VerdictCategory.SUSPICIOUS));
        IntStream.of(12, 15).forEach(c -> table.put(c, VerdictCategory.PASSWORD_REQUIRED));
        table.put(255, VerdictCategory.PENDING);
        IntStream.of(3, 5, 6, 10, 11, 19, 23).forEach(c -> table.put(c, VerdictCategory.FAILED));
        return Map.copyOf(table);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "0, CLEAN", "7, CLEAN",
            "1, INFECTED", "4, INFECTED",
            "2, SUSPICIOUS", "8, SUSPICIOUS", "17, SUSPICIOUS", "18, SUSPICIOUS", "20, SUSPICIOUS",
            "21, SUSPICIOUS", "22, SUSPICIOUS",
            // archives Core gave up on: what they hold was not inspected (fail closed, not retried)
            "9, SUSPICIOUS", "13, SUSPICIOUS", "14, SUSPICIOUS", "16, SUSPICIOUS",
            "12, PASSWORD_REQUIRED", "15, PASSWORD_REQUIRED",
            "255, PENDING",
            "3, FAILED", "5, FAILED", "6, FAILED", "10, FAILED", "11, FAILED", "19, FAILED", "23, FAILED"})
    void mapsEveryDocumentedCode(int code, VerdictCategory expected) {
        assertThat(VerdictMapper.categoryOf(code)).isEqualTo(expected);
        assertThat(TABLE).containsEntry(code, expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {99, -1, 24, 254, 256, 1000, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void unknownCodesFailAndAreNeverClean(int code) {
        assertThat(VerdictMapper.categoryOf(code)).isEqualTo(VerdictCategory.FAILED);
        assertThat(VerdictMapper.categoryOf(code, "Allowed")).isEqualTo(VerdictCategory.FAILED);
    }

    @Test
    void everyCodeFromMinus5To300FollowsTheTableOrFails() {
        for (int code = -5; code <= 300; code++) {
            assertThat(VerdictMapper.categoryOf(code))
                    .as("code %d", code)
                    .isEqualTo(TABLE.getOrDefault(code, VerdictCategory.FAILED));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7})
    void cleanButBlockedIsSuspicious(int code) {
        assertThat(VerdictMapper.categoryOf(code, "Blocked")).isEqualTo(VerdictCategory.SUSPICIOUS);
        assertThat(VerdictMapper.categoryOf(code, " blocked ")).isEqualTo(VerdictCategory.SUSPICIOUS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Allowed", "Processing", ""})
    void cleanAndNotBlockedStaysClean(String processResult) {
        assertThat(VerdictMapper.categoryOf(0, processResult)).isEqualTo(VerdictCategory.CLEAN);
        assertThat(VerdictMapper.categoryOf(7, processResult)).isEqualTo(VerdictCategory.CLEAN);
    }

    @Test
    void noProcessResultKeepsTheCodesCategory() {
        assertThat(VerdictMapper.categoryOf(0, null)).isEqualTo(VerdictCategory.CLEAN);
        assertThat(VerdictMapper.categoryOf(1, null)).isEqualTo(VerdictCategory.INFECTED);
    }

    @Test
    void blockedDoesNotChangeCategoriesOtherThanClean() {
        for (Map.Entry<Integer, VerdictCategory> entry : TABLE.entrySet()) {
            if (entry.getValue() != VerdictCategory.CLEAN) {
                assertThat(VerdictMapper.categoryOf(entry.getKey(), "Blocked"))
                        .as("code %d", entry.getKey())
                        .isEqualTo(entry.getValue());
            }
        }
        assertThat(VerdictMapper.categoryOf(99, "Blocked")).isEqualTo(VerdictCategory.FAILED);
    }
}
