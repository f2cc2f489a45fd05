package io.moat.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.core.ScanResult;
import io.moat.core.VerdictCategory;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Translation of Core's JSON in the less common shapes. */
class CoreJsonTest {

    private static JsonObject json(String text) {
        return Json.createReader(new StringReader(text)).readObject();
    }

    private static ScanResult complete(String postProcessing) {
        return CoreJson.scanResult("id", json("""
                {"process_info":{"progress_percentage":100,"result":"Allowed","post_processing":%s},
                 "scan_results":{"progress_percentage":100,"scan_all_result_i":0}}
                """.formatted(postProcessing)));
    }

    @Test
    void sanitizedAmongSeveralActions() {
        assertThat(complete("{\"actions_ran\":\"Sanitized | Copy to folder\"}").sanitized()).isTrue();
        assertThat(complete("{\"actions_ran\":[\"Copy to folder\",\"Sanitized\"]}").sanitized()).isTrue();
    }

    @Test
    void otherActionsAreNotSanitization() {
        assertThat(complete("{\"actions_ran\":\"\",\"actions_failed\":\"Sanitized\"}").sanitized()).isFalse();
        assertThat(complete("{\"actions_ran\":\"Not Sanitized\"}").sanitized()).isFalse();
        assertThat(complete("{}").sanitized()).isFalse();
        assertThat(complete("\"Sanitized\"").sanitized()).isFalse();
    }

    @Test
    void aDeepCdrResultAsCoreWritesItSaysSanitizedAndNamesTheFile() {
        ScanResult result = CoreJson.scanResult("id", json("""
                {"data_id":"61dffeaa728844adbf49eb090e4ece0e",
                 "file_info":{"display_name":"report.docx","file_size":75906},
                 "process_info":{"progress_percentage":100,"result":"Allowed","blocked_reason":"",
                   "post_processing":{"actions_ran":"Sanitized","actions_failed":"",
                     "converted_destination":"report_sanitized.docx","converted_to":"docx"}},
                 "scan_results":{"progress_percentage":100,"scan_all_result_i":0,
                   "scan_all_result_a":"No Threat Detected"}}
                """));

        assertThat(result.sanitization()).isEqualTo(ScanResult.Sanitization.SANITIZED);
        assertThat(result.sanitized()).isTrue();
        assertThat(result.convertedName()).isEqualTo("report_sanitized.docx");
        assertThat(result.category()).isEqualTo(VerdictCategory.CLEAN);
    }

    @Test
    void aPartialSanitizationIsASanitizedCopy() {
        assertThat(complete("{\"actions_ran\":\"Sanitized Partially\"}").sanitization())
                .isEqualTo(ScanResult.Sanitization.SANITIZED);
    }

    @Test
    void eachFailureCoreListsInActionsFailedIsAFailedSanitization() {
        for (String failed : new String[]{"Sanitization Failed", "Sanitization Timed Out",
                "Sanitization Global Timeout Exceeded", "Copy to folder|Sanitization Canceled"}) {
            ScanResult result = complete("{\"actions_ran\":\"\",\"actions_failed\":\"" + failed
                    + "\",\"converted_destination\":\"\"}");

            assertThat(result.sanitization()).as(failed).isEqualTo(ScanResult.Sanitization.FAILED);
            assertThat(result.convertedName()).as(failed).isNull();
        }
    }

    @Test
    void aFailureOutweighsASanitizedActionOfTheSameResult() {
        assertThat(complete("{\"actions_ran\":\"Sanitized\",\"actions_failed\":\"Sanitization Failed\"}")
                .sanitization()).isEqualTo(ScanResult.Sanitization.FAILED);
    }

    @Test
    void aSkippedSanitizationOrNoneIsNoSanitization() {
        assertThat(complete("{\"actions_ran\":\"Sanitization Skipped\",\"actions_failed\":\"\"}")
                .sanitization()).isEqualTo(ScanResult.Sanitization.NONE);
        assertThat(complete("{\"actions_ran\":\"\",\"actions_failed\":\"\"}").sanitization())
                .isEqualTo(ScanResult.Sanitization.NONE);
        assertThat(complete("{\"actions_failed\":\"Copy to folder failed\"}").sanitization())
                .isEqualTo(ScanResult.Sanitization.NONE);
    }

    @Test
    void theConvertedNameIsTheLastSegmentOfAPathWithoutControlCharacters() {
        assertThat(complete("{\"actions_ran\":\"Sanitized\",\"converted_destination\":"
                + "\"C:\\\\out\\\\a\\u0007b.pdf\"}").convertedName()).isEqualTo("ab.pdf");
        assertThat(complete("{\"actions_ran\":\"Sanitized\",\"converted_destination\":\"/tmp/x/..\"}")
                .convertedName()).isNull();
        assertThat(complete("{\"actions_ran\":\"Sanitized\",\"converted_destination\":\""
                + "n".repeat(300) + "\"}").convertedName()).hasSize(255);
    }

    @Test
    void numbersGivenAsStringsAreRead() {
        ScanResult result = CoreJson.scanResult("id", json("""
                {"process_info":{"progress_percentage":"100"},"scan_results":{"scan_all_result_i":"1"}}
                """));

        assertThat(result.complete()).isTrue();
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.category()).isEqualTo(VerdictCategory.INFECTED);
    }

    @Test
    void aFractionalOrHugeCodeIsNoCodeAndFails() {
        for (String code : new String[]{"0.5", "99999999999", "\"zero\"", "null", "true"}) {
            ScanResult result = CoreJson.scanResult("id", json("""
                    {"process_info":{"progress_percentage":100},"scan_results":{"scan_all_result_i":%s}}
                    """.formatted(code)));

            assertThat(result.code()).as(code).isEqualTo(CoreJson.NO_CODE);
            assertThat(result.category()).as(code).isEqualTo(VerdictCategory.FAILED);
        }
    }

    @Test
    void wrongShapesAreIgnoredNotFatal() {
        ScanResult result = CoreJson.scanResult("id", json("""
                {"data_id":7,"process_info":"x","scan_results":[1,2]}
                """));

        assertThat(result).isEqualTo(new ScanResult("id", false, 0, -1, null, VerdictCategory.PENDING, false, null));
    }

    @Test
    void progressIsClampedAndBelow100UntilComplete() {
        ScanResult result = CoreJson.scanResult("id", json("""
                {"process_info":{"progress_percentage":250},"scan_results":{"scan_all_result_i":255}}
                """));

        assertThat(result.complete()).isFalse();
        assertThat(result.progressPercent()).isEqualTo(99);
        assertThat(CoreJson.scanResult("id", json("{\"process_info\":{\"progress_percentage\":-3}}"))
                .progressPercent()).isZero();
    }

    @Test
    void notFoundFormIsASingleNotFoundString() {
        assertThat(CoreJson.isNotFound(json("{\"abc\":\"Not Found\"}"))).isTrue();
        assertThat(CoreJson.isNotFound(json("{\"abc\":\"Not Found\",\"data_id\":\"abc\"}"))).isFalse();
        assertThat(CoreJson.isNotFound(json("{\"data_id\":\"abc\"}"))).isFalse();
        assertThat(CoreJson.isNotFound(json("{}"))).isFalse();
    }

    @Test
    void snippetsAreShortSingleLineAndWithoutTheSecret() {
        CoreJson withSecret = new CoreJson("TOPSECRET");

        String snippet = withSecret.snippet("line1\r\nTOPSECRET\n" + "x".repeat(500));

        assertThat(snippet).doesNotContain("TOPSECRET").doesNotContain("\n").startsWith("line1 *** x");
        assertThat(snippet).hasSizeLessThanOrEqualTo(201);
        assertThat(withSecret.snippet("")).isEqualTo("(empty)");
    }
}
