package io.moat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link CoreClient#fetchResult} and {@link CoreClient#version} against a fake Core answering like CORE-API.md. */
class CoreClientResultTest {

    private static final String ID = "8101abae27be4d63859c55d9e0ed0135";
    private static final String PATH = "/core/file/" + ID;

    /** The example of CORE-API.md (line breaks aside). */
    private static final String BLOCKED_INFECTED = """
            {"data_id":"8101abae27be4d63859c55d9e0ed0135",
             "file_info":{"display_name":"report.pdf","file_size":75906,"sha256":"b9fd…"},
             "process_info":{"progress_percentage":100,"result":"Blocked","blocked_reason":"Infected",
                             "post_processing":{"actions_ran":"","converted_destination":""}},
             "scan_results":{"progress_percentage":100,"scan_all_result_i":1,
                              "scan_all_result_a":"Infected","total_avs":1}}
            """;

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

    @Test
    void readsTheDocumentedBlockedInfectedExample() throws Exception {
        core.answer(PATH, 200, BLOCKED_INFECTED);

        ScanResult result = client.fetchResult(ID);

        assertThat(result).isEqualTo(
                new ScanResult(ID, true, 100, 1, "Infected", VerdictCategory.INFECTED, false, "Infected"));
    }

    @Test
    void getsTheResultWithTheKey() throws Exception {
        core.answer(PATH, 200, BLOCKED_INFECTED);

        client.fetchResult(ID);

        FakeCore.Received request = core.onlyRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.rawPath()).isEqualTo(PATH);
        assertThat(request.header("apikey")).isEqualTo("k-9");
    }

    @Test
    void inProgressIsPendingWhateverTheCodeSays() throws Exception {
        core.answer(PATH, 200, """
                {"data_id":"%s",
                 "process_info":{"progress_percentage":40,"result":"Processing"},
                 "scan_results":{"progress_percentage":40,"scan_all_result_i":0,
                                  "scan_all_result_a":"No Threat Detected"}}
                """.formatted(ID));

        ScanResult result = client.fetchResult(ID);

        assertThat(result.complete()).isFalse();
        assertThat(result.progressPercent()).isEqualTo(40);
        assertThat(result.category()).isEqualTo(VerdictCategory.PENDING);
    }

    @Test
    void inProgressCode255IsNotCompleteEvenAtHundredPercent() throws Exception {
        core.answer(PATH, 200, """
                {"data_id":"%s",
                 "process_info":{"progress_percentage":100,"result":"Processing"},
                 "scan_results":{"progress_percentage":100,"scan_all_result_i":255,"scan_all_result_a":"In Progress"}}
                """.formatted(ID));

        ScanResult result = client.fetchResult(ID);

        assertThat(result.complete()).isFalse();
        assertThat(result.code()).isEqualTo(255);
        assertThat(result.label()).isEqualTo("In Progress");
        assertThat(result.category()).isEqualTo(VerdictCategory.PENDING);
        assertThat(result.progressPercent()).isLessThan(100);
    }

    @Test
    void sanitizedCleanFile() throws Exception {
        core.answer(PATH, 200, """
                {"data_id":"%s",
                 "process_info":{"progress_percentage":100,"result":"Allowed","blocked_reason":"",
                                 "post_processing":{"actions_ran":"Sanitized",
                                                    "converted_destination":"report_sanitized.pdf"}},
                 "scan_results":{"progress_percentage":100,"scan_all_result_i":0,
                                  "scan_all_result_a":"No Threat Detected"}}
                """.formatted(ID));

        ScanResult result = client.fetchResult(ID);

        assertThat(result).isEqualTo(new ScanResult(ID, true, 100, 0, "No Threat Detected", VerdictCategory.CLEAN,
                ScanResult.Sanitization.SANITIZED, "report_sanitized.pdf", null));
    }

    @Test
    void cleanButBlockedByCoresPolicyIsSuspicious() throws Exception {
        core.answer(PATH, 200, """
                {"data_id":"%s",
                 "process_info":{"progress_percentage":100,"result":"Blocked","blocked_reason":"Sanitization Failed",
                                 "post_processing":{"actions_ran":"","actions_failed":"Sanitization Failed"}},
                 "scan_results":{"progress_percentage":100,"scan_all_result_i":0,
                                  "scan_all_result_a":"No Threat Detected"}}
                """.formatted(ID));

        ScanResult result = client.fetchResult(ID);

        assertThat(result.complete()).isTrue();
        assertThat(result.code()).isZero();
        assertThat(result.category()).isEqualTo(VerdictCategory.SUSPICIOUS);
        assertThat(result.blockedReason()).isEqualTo("Sanitization Failed");
        assertThat(result.sanitized()).isFalse();
    }

    @Test
    void encryptedArchiveNeedsAPassword() throws Exception {
        core.answer(PATH, 200, """
                {"data_id":"%s","process_info":{"progress_percentage":100,"result":"Blocked",
                 "blocked_reason":"Encrypted Archive"},
                 "scan_results":{"progress_percentage":100,"scan_all_result_i":12,
                                  "scan_all_result_a":"Encrypted Archive"}}
                """.formatted(ID));

        assertThat(client.fetchResult(ID).category()).isEqualTo(VerdictCategory.PASSWORD_REQUIRED);
    }

    @Test
    void scanProgressAloneCanCompleteTheResult() throws Exception {
        core.answer(PATH, 200, """
                {"scan_results":{"progress_percentage":100,"scan_all_result_i":2,"scan_all_result_a":"Suspicious"}}
                """);

        ScanResult result = client.fetchResult(ID);

        assertThat(result.complete()).isTrue();
        assertThat(result.dataId()).isEqualTo(ID);
        assertThat(result.category()).isEqualTo(VerdictCategory.SUSPICIOUS);
    }

    @Test
    void completeWithoutACodeIsFailedNeverClean() throws Exception {
        core.answer(PATH, 200, """
                {"data_id":"%s","process_info":{"progress_percentage":100,"result":"Allowed"}}
                """.formatted(ID));

        ScanResult result = client.fetchResult(ID);

        assertThat(result.complete()).isTrue();
        assertThat(result.code()).isEqualTo(-1);
        assertThat(result.category()).isEqualTo(VerdictCategory.FAILED);
    }

    @Test
    void anEmptyAnswerIsNotComplete() throws Exception {
        core.answer(PATH, 200, "{}");

        assertThat(client.fetchResult(ID))
                .isEqualTo(new ScanResult(ID, false, 0, -1, null, VerdictCategory.PENDING, false, null));
    }

    @Test
    void unknownDataIdIsRejectedAsNotFound() {
        core.answer(PATH, 200, "{\"" + ID + "\":\"Not Found\"}");
        core.answer("/core/file/other", 404, "{\"other\":\"Not Found\"}");

        CoreRejectedException ok = catchThrowableOfType(CoreRejectedException.class, () -> client.fetchResult(ID));
        CoreRejectedException notFound = catchThrowableOfType(CoreRejectedException.class,
                () -> client.fetchResult("other"));

        for (CoreRejectedException e : new CoreRejectedException[]{ok, notFound}) {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.err()).isEqualTo("data_id not found");
        }
    }

    @Test
    void dataIdIsEncodedIntoThePath() throws Exception {
        core.answer("/core/file/a%2Fb%20c", 200, "{}");

        ScanResult result = client.fetchResult("a/b c");

        assertThat(core.onlyRequest().rawPath()).isEqualTo("/core/file/a%2Fb%20c");
        assertThat(result.dataId()).isEqualTo("a/b c");
    }

    @Test
    void versionReadsTheVersionString() throws Exception {
        core.answer("/core/version", 200, "{\"product_id\":\"MSCW\",\"version\":\"4.18.0\"}");

        assertThat(client.version()).isEqualTo("4.18.0");
        FakeCore.Received request = core.onlyRequest();
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.header("apikey")).isEqualTo("k-9");
    }

    @Test
    void versionWithoutVersionFieldIsUnavailable() {
        core.answer("/core/version", 200, "{\"product_id\":\"MSCW\"}");

        CoreUnavailableException e = catchThrowableOfType(CoreUnavailableException.class, () -> client.version());

        assertThat(e).hasMessageContaining("no version");
    }
}
