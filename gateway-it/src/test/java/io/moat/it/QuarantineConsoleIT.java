package io.moat.it;

import static io.moat.it.Quarantined.PATIENCE;
import static io.moat.it.Quarantined.held;
import static io.moat.it.Quarantined.infected;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.ZipFixtures;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.Select;

/**
 * Console › Quarantine and Settings › Retention in a real browser (Debian's headless Chromium) against the shared IT
 * gateway: the admin filters the quarantine by reason, rescans an encrypted ZIP with its password (delivered; the
 * password is not in the page afterwards), releases, forwards, downloads (after a warning) and deletes (after a
 * confirmation) messages, one by one and two at once; the sink receives what was released and forwarded. The auditor
 * sees the quarantine but no action, and a post of an action anyway changes nothing. Every page is saved under
 * target/screenshots as {@code quarantine-*}.
 */
class QuarantineConsoleIT {

    private static final String HTTP = "http://localhost:" + TestBed.HTTP_PORT;
    private static final String API = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1";
    private static final String AUDITOR_PASSWORD = System.getProperty("it.auditor.password", "it-auditor-secret");
    private static final String PASSWORD = "Zip-Console-Passw0rd-31";

    /** This run's sender domain: the list's filter finds this run's messages only. */
    private final String domain = "qc-" + UUID.randomUUID().toString().substring(0, 8) + ".test";

    @BeforeAll
    static void up() {
        TestBed.up();
    }

    @Test
    void anAdminActsOnTheQuarantineInTheConsoleAndTheAuditorOnlyLooks() throws Exception {
        Mails released = infected();
        Mails forwarded = infected();
        Mails zipped = new Mails().attach("minutes.zip", "application/zip", new ZipFixtures()
                .encrypted("minutes.txt", "board minutes".getBytes(StandardCharsets.US_ASCII), PASSWORD, true, false)
                .build());
        String rel = held(released, "rel@" + domain, "bob@example.com", "BLOCKED");
        String fwd = held(forwarded, "fwd@" + domain, "bob@example.com", "BLOCKED");
        String del = held(infected(), "del@" + domain, "bob@example.com", "BLOCKED");
        String bulk1 = held(infected(), "bulk@" + domain, "bob@example.com", "BLOCKED");
        String bulk2 = held(infected(), "bulk@" + domain, "carol@example.com", "BLOCKED");
        String zip = held(zipped, "zip@" + domain, "bob@example.com", "PASSWORD_REQUIRED");

        try (Browser browser = new Browser()) {
            browser.steps("quarantine-admin", () -> {
                signIn(browser, "admin", TestBed.ADMIN_PASSWORD);
                list(browser, zip, rel);
                rescan(browser, zip, zipped);
                release(browser, rel, released);
                forwardAndDownload(browser, fwd, forwarded);
                delete(browser, del, bulk1, bulk2);
                retention(browser);
            });
        }
        try (Browser auditor = new Browser()) {
            auditor.steps("quarantine-auditor", () -> auditor(auditor, fwd));
        }
        auditorPostsAnyway(fwd);
    }

    private static void signIn(Browser browser, String user, String password) {
        browser.open(HTTP + "/login.xhtml");
        browser.type("signin:user", user);
        browser.type("signin:password", password);
        browser.click("signin:submit");
        browser.waitForText("Messages by state");
    }

    /** The dashboard counts the quarantine; the list filters by reason and sender. */
    private void list(Browser browser, String zip, String rel) {
        assertThat(Long.parseLong(browser.text("quarantine-held"))).isGreaterThanOrEqualTo(6);
        assertThat(browser.text("purged-line")).startsWith("Purged in the last 24 h:").contains("quarantined")
                .contains("spool files").contains("records").contains("last run");
        browser.screenshot("quarantine-01-dashboard");
        browser.click("to-quarantine");
        browser.waitForUrl(HTTP + "/quarantine.xhtml");

        browser.open(HTTP + "/quarantine.xhtml?reason=lost&from=yesterday");
        browser.waitForText("'lost' is not a reason; choose one from the list.");
        browser.waitForText("'yesterday' is not a date");

        browser.type("search-sender", domain);
        new Select(browser.element("search-reason")).selectByValue("BLOCKED");
        browser.click("search-submit");
        browser.waitForUrl(HTTP + "/quarantine.xhtml?");
        assertThat(rows(browser)).hasSize(5).noneMatch(r -> r.contains("minutes.zip"))
                .allMatch(r -> r.contains("BLOCKED") && r.contains("eicar.com") && r.contains("default"));
        assertThat(browser.has("tick-" + rel)).isTrue();
        assertThat(browser.has("tick-" + zip)).isFalse();
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("quarantine-02-blocked");

        new Select(browser.element("search-reason")).selectByValue("ENCRYPTED");
        browser.click("search-submit");
        browser.waitForUrl(HTTP + "/quarantine.xhtml?reason=ENCRYPTED");
        assertThat(rows(browser)).singleElement().satisfies(r -> assertThat(r).contains("ENCRYPTED")
                .contains("minutes.zip").contains("encrypted").contains("zip@" + domain).contains("bob@example.com"));
        browser.screenshot("quarantine-03-encrypted");
    }

    /** The encrypted ZIP rescanned with its password from its page: delivered, the password nowhere on the page. */
    private void rescan(Browser browser, String zip, Mails zipped) throws Exception {
        browser.driver.findElement(By.cssSelector("a.message-link")).click();
        browser.waitForUrl(HTTP + "/quarantine-message.xhtml?id=" + zip);
        assertThat(browser.text("held-reason")).isEqualTo("ENCRYPTED");
        assertThat(browser.text("parts")).contains("minutes.zip").contains("encrypted");
        assertThat(browser.element("rescan-password-0").getAttribute("autocomplete")).isEqualTo("off");
        assertThat(new Select(browser.element("rescan-form:rescan-rule")).getOptions()).extracting(o -> o.getText())
                .contains("its own (default)", "default");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("quarantine-04-message");

        browser.type("rescan-password-0", PASSWORD);
        browser.click("rescan-form:rescan");
        browser.waitForText("Scanning again with the passwords for minutes.zip under its own rule");
        assertThat(browser.has("rescan-password-0")).isFalse();
        await().atMost(PATIENCE).until(() -> TestBed.delivered(zipped.testId()).size() == 1);
        await().atMost(PATIENCE).until(() -> {
            browser.open(HTTP + "/quarantine-message.xhtml?id=" + zip);
            return browser.text("state-now").equals("DELIVERED");
        });
        assertThat(browser.driver.getPageSource()).doesNotContain(PASSWORD);
        browser.screenshot("quarantine-05-rescanned");
        assertThat(Api.message(zip).toString()).doesNotContain(PASSWORD).contains("RESCAN_WITH_PASSWORDS");
        Leaks.assertNowhereOnDisk(PASSWORD);
    }

    /** Released to all from its page: it leaves the quarantine, the page leads to it under Messages. */
    private void release(Browser browser, String rel, Mails released) {
        browser.open(HTTP + "/quarantine-message.xhtml?id=" + rel);
        assertThat(browser.element("release-form:release-to:0").isSelected()).isTrue();
        browser.click("release-form:release");
        browser.waitForText("Released to all its recipients");
        assertThat(browser.text("state-now")).isIn("QUEUED", "DEFERRED", "DELIVERED");
        browser.screenshot("quarantine-06-released");
        await().atMost(PATIENCE).until(() -> TestBed.delivered(released.testId()).size() == 1);
        assertThat(TestBed.delivered(released.testId()).get(0).recipients()).containsExactly("bob@example.com");

        browser.click("follow");
        browser.waitForUrl(HTTP + "/message.xhtml?id=" + rel);
        assertThat(browser.text("actions")).contains("RELEASE").contains("admin").contains("to all recipients");
        browser.screenshot("quarantine-07-message-actions");
    }

    /** A copy forwarded to an analyst (the message stays held), then the original downloaded after a warning. */
    private void forwardAndDownload(Browser browser, String fwd, Mails forwarded) throws Exception {
        browser.open(HTTP + "/quarantine-message.xhtml?id=" + fwd);
        browser.type("forward-form:forward-to", "not an address");
        browser.click("forward-form:forward");
        browser.waitForText("is not a mail address");
        assertThat(browser.text("forward-form:forward-to-error")).startsWith("to:");
        browser.type("forward-form:forward-to", "analyst@example.com");
        browser.click("forward-form:forward");
        browser.waitForText("Forwarded to analyst@example.com from the null sender");
        assertThat(browser.text("held-reason")).isEqualTo("BLOCKED");
        assertThat(browser.text("actions")).contains("FORWARD").contains("analyst@example.com");
        String copy = browser.text("copy-link");
        await().atMost(PATIENCE).until(() -> TestBed.delivered(forwarded.testId()).size() == 1);
        ReceivedMail sent = TestBed.delivered(forwarded.testId()).get(0);
        assertThat(sent.recipients()).containsExactly("analyst@example.com");
        assertThat(sent.from()).isEmpty();
        assertThat(Api.state(copy)).isIn("QUEUED", "DELIVERED");
        browser.screenshot("quarantine-08-forwarded");

        Path downloads = Files.createDirectories(Path.of("target", "downloads").toAbsolutePath());
        Path file = downloads.resolve(fwd + ".eml");
        Files.deleteIfExists(file);
        browser.driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath",
                downloads.toString()));
        browser.click("keep-form:download");
        assertThat(browser.text("download-warning")).contains("may contain the very malware it was held for");
        browser.screenshot("quarantine-09-download-warning");
        browser.click("keep-form:download-confirm-button");
        await().atMost(PATIENCE).until(() -> Files.exists(file) && Files.size(file) > 0);
        assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).contains("X-Test-Id: " + forwarded.testId())
                .contains("filename=\"eicar.com\"");
        assertThat(Api.message(fwd).getJsonArray("actions").stream().map(JsonValue::asJsonObject)
                .map(a -> a.getString("action") + " by " + a.getString("actor"))).contains("DOWNLOAD by admin");
    }

    /** One message deleted after its confirmation, then two at once from the list. */
    private void delete(Browser browser, String del, String bulk1, String bulk2) {
        browser.open(HTTP + "/quarantine-message.xhtml?id=" + del);
        browser.click("keep-form:delete");
        assertThat(browser.text("delete-question")).contains("Delete this message for good?");
        browser.screenshot("quarantine-10-delete-confirm");
        browser.click("keep-form:delete-confirm-button");
        browser.waitForText("Deleted: its files are gone");
        assertThat(browser.text("state-now")).isEqualTo("DELETED");
        assertThat(Api.state(del)).isEqualTo("DELETED");

        browser.open(HTTP + "/quarantine.xhtml?reason=BLOCKED&sender=bulk@" + domain);
        assertThat(rows(browser)).hasSize(2);
        browser.element("tick-" + bulk1).click();
        browser.element("tick-" + bulk2).click();
        browser.click("held-form:bulk-delete");
        assertThat(browser.text("bulk-confirm-text")).startsWith("Delete 2 messages for good?");
        assertThat(Api.state(bulk1)).isEqualTo("BLOCKED");
        browser.screenshot("quarantine-11-bulk-confirm");
        browser.click("held-form:bulk-delete-confirm");
        browser.waitForText("Deleted 2 messages");
        assertThat(browser.has("held-form:none-held")).isTrue();
        assertThat(List.of(Api.state(bulk1), Api.state(bulk2))).containsOnly("DELETED");
        browser.screenshot("quarantine-12-bulk-deleted");

        // the pages fit a narrow window (a phone): wide tables scroll in their own box
        browser.driver.manage().window().setSize(new Dimension(420, 800));
        for (String page : List.of("/quarantine.xhtml?sender=" + domain, "/quarantine-message.xhtml?id=" + del,
                "/settings/retention.xhtml")) {
            browser.open(HTTP + page);
            browser.element("main");
            assertThat(browser.sticksOutSideways()).as(page).isEmpty();
        }
        browser.driver.manage().window().setSize(Browser.DESKTOP);
    }

    /** Settings › Retention shows the defaults, refuses a wrong time next to its field and saves a right one. */
    private void retention(Browser browser) {
        try {
            browser.click("nav-retention");
            browser.waitForUrl(HTTP + "/settings/retention.xhtml");
            assertThat(browser.element("retention-form:quarantine").getAttribute("value")).isEqualTo("P30D");
            assertThat(browser.element("retention-form:spool-files").getAttribute("value")).isEqualTo("P7D");
            assertThat(browser.element("retention-form:records").getAttribute("value")).isEqualTo("P90D");
            assertThat(browser.text("quarantine-words")).isEqualTo("30 days");
            assertThat(browser.unlabelledFields()).isEmpty();
            browser.screenshot("quarantine-13-retention");

            browser.type("retention-form:quarantine", "a month");
            browser.click("retention-form:save");
            browser.waitForText("is not an ISO-8601 duration");
            assertThat(browser.text("retention-form:quarantine-error")).startsWith("quarantine:");
            browser.screenshot("quarantine-14-retention-refused");
            browser.type("retention-form:quarantine", "P45D");
            browser.click("retention-form:save");
            browser.waitForText("Saved: quarantined messages are kept 45 days");
            assertThat(browser.text("quarantine-words")).isEqualTo("45 days");
            assertThat(((JsonObject) Api.get("/api/v1/settings/retention").json()).getString("quarantine"))
                    .isEqualTo("PT1080H");

            browser.click("purge-form:purge-now");
            browser.waitForText("Purged now:");
            assertThat(browser.text("purge-last-run")).endsWith("UTC");
        } finally {
            Api.send("PUT", API + "/settings/retention", "{\"quarantine\":\"P30D\"}");
        }
    }

    /** The auditor sees the list and a message, and no control that acts. */
    private void auditor(Browser auditor, String fwd) {
        signIn(auditor, "auditor", AUDITOR_PASSWORD);
        auditor.open(HTTP + "/quarantine.xhtml?sender=" + domain);
        assertThat(rows(auditor)).hasSize(1).allMatch(r -> r.contains("fwd@" + domain));
        assertThat(auditor.has("tick-" + fwd)).isFalse();
        assertThat(auditor.has("held-form:bulk-release")).isFalse();
        assertThat(auditor.has("held-form:bulk-delete")).isFalse();
        auditor.screenshot("quarantine-15-auditor-list");

        auditor.open(HTTP + "/quarantine-message.xhtml?id=" + fwd);
        assertThat(auditor.text("held-reason")).isEqualTo("BLOCKED");
        assertThat(auditor.text("actions")).contains("FORWARD").contains("DOWNLOAD");
        for (String control : List.of("release-form:release", "rescan-form:rescan", "forward-form:forward",
                "keep-form:download", "keep-form:delete", "rescan-password-0")) {
            assertThat(auditor.has(control)).as(control).isFalse();
        }
        auditor.screenshot("quarantine-16-auditor-message");
        auditor.open(HTTP + "/settings/retention.xhtml");
        assertThat(auditor.element("retention-form:quarantine").isEnabled()).isFalse();
        assertThat(auditor.has("retention-form:save")).isFalse();
        assertThat(auditor.has("purge-form:purge-now")).isFalse();
    }

    /** The auditor's session posts the admin's forms all the same: nothing is done. */
    private static void auditorPostsAnyway(String fwd) throws Exception {
        int before = Api.message(fwd).getJsonArray("actions").size();
        ConsoleSecurityIT.Console auditor = new ConsoleSecurityIT.Console();
        assertThat(auditor.signIn("auditor", AUDITOR_PASSWORD, null).statusCode()).isEqualTo(302);
        String path = "/quarantine-message.xhtml?id=" + fwd;
        String page = auditor.get(path).body();
        for (Map<String, String> form : List.of(Map.of("release-form", "release-form", "release-form:release",
                "Release", "release-form:release-to", "bob@example.com"),
                Map.of("keep-form", "keep-form",
                        "keep-form:delete-confirm-button", "Yes, delete"),
                Map.of("forward-form", "forward-form",
                        "forward-form:forward-to", "x@example.com", "forward-form:forward", "Forward"))) {
            Map<String, String> post = new LinkedHashMap<>(form);
            post.put("jakarta.faces.ViewState", ConsoleSecurityIT.viewState(page));
            HttpResponse<String> answer = auditor.post(path, post, HTTP);
            assertThat(answer.statusCode()).isEqualTo(200);
            page = answer.body();
        }
        String list = "/quarantine.xhtml";
        HttpResponse<String> bulk = auditor.post(list, Map.of("held-form", "held-form", "held-form:bulk-release",
                "Release", "ticked", fwd, "jakarta.faces.ViewState", ConsoleSecurityIT.viewState(auditor.get(list)
                        .body())),
                HTTP);
        assertThat(bulk.statusCode()).isEqualTo(200);

        assertThat(Api.state(fwd)).isEqualTo("BLOCKED");
        assertThat(Api.message(fwd).getJsonArray("actions")).hasSize(before);
    }

    /** The list's rows as text. */
    private static List<String> rows(Browser browser) {
        if (browser.has("held-form:none-held")) {
            return List.of();
        }
        return browser.element("held-form:held").findElements(By.cssSelector("tbody tr")).stream()
                .map(row -> row.getText().replace('\n', ' ')).toList();
    }
}
