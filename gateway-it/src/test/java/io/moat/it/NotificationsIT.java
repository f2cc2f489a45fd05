package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.ZipFixtures;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notifications through the real pipeline: blocked and held mail tells its recipient, the sender when asked (never
 * the null sender) and the admins, each notice a message of the gateway's own delivered to the shared sink; the
 * admins' digest collects a window's events into one mail; the settings refuse a bad value naming its field. Each
 * test sets the notification settings it needs; they are back to their defaults afterwards.
 */
class NotificationsIT {

    private static final String SETTINGS = "http://127.0.0.1:" + TestBed.HTTP_PORT + "/api/v1/settings/notifications";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @BeforeAll
    static void up() {
        TestBed.up();
    }

    @AfterAll
    static void defaults() {
        settings("{}");
    }

    @Test
    void anInfectedAttachmentIsBlockedAndTheRecipientIsToldByAnAutoSubmittedNotice() throws Exception {
        JsonObject defaults = settings("{}");
        assertThat(defaults.getString("from")).isEqualTo("postmaster@gateway.it.test");
        assertThat(defaults.getBoolean("recipient")).isTrue();
        assertThat(defaults.getBoolean("sender")).isFalse();
        Mails mail = new Mails().attach("invoice.com", "application/octet-stream", Mails.EICAR);
        String id = Api.queueId(GatewaySmtp.send("alice@notify.test", "bob@example.com",
                mail.build("alice@notify.test", "bob@example.com")));

        await().atMost(PATIENCE).until(() -> TestBed.notices(mail.testId()).size() == 1);
        assertThat(Api.state(id)).isEqualTo("BLOCKED");
        assertThat(TestBed.delivered(mail.testId())).as("the blocked message itself").isEmpty();
        ReceivedMail notice = TestBed.notices(mail.testId()).get(0);
        assertThat(notice.from()).as("the null reverse path: nothing bounces to it").isEmpty();
        assertThat(notice.recipients()).containsExactly("bob@example.com");
        MimeMessage parsed = parse(notice);
        assertThat(parsed.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(parsed.getHeader("X-Moat-Notification", null)).isEqualTo("recipient");
        assertThat(((InternetAddress) parsed.getFrom()[0]).getAddress()).isEqualTo("postmaster@gateway.it.test");
        assertThat(parsed.getSubject()).isEqualTo("Message held: Quarterly report " + mail.testId());
        assertThat(TestBed.readable(notice)).contains("alice@notify.test").contains("invoice.com")
                .contains("blocked: invoice.com (Infected)").contains(id).doesNotContain("Open this link");

        // recorded as a message of the gateway's own, delivered, and never itself the subject of a notice
        await().atMost(PATIENCE).until(() -> notices(mail.testId()).get(0).getString("state").equals("DELIVERED"));
        JsonObject record = notices(mail.testId()).get(0);
        assertThat(record.getString("kind")).isEqualTo("NOTIFICATION");
        assertThat(record.getString("from")).isEmpty();
        assertThat(record.getString("scanSummary")).startsWith("recipient notice about message " + id);
    }

    @Test
    void theAdminsAreToldOfTheOutcomesTheyAskedForAndTheSenderOnlyWhenAsked() throws Exception {
        settings("{\"sender\": true, \"admins\": [\"sec@example.com\", \"ops@example.com\"],"
                + " \"from\": \"security@example.com\"}");
        Mails told = new Mails().attach("tool.com", "application/octet-stream", Mails.EICAR);
        String id = Api.queueId(GatewaySmtp.send("carol@notify.test", "bob@example.com",
                told.build("carol@notify.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> TestBed.notices(told.testId()).size() == 3);
        List<ReceivedMail> notices = TestBed.notices(told.testId());
        ReceivedMail admin = kind(notices, "admin");
        assertThat(admin.recipients()).containsExactly("sec@example.com", "ops@example.com");
        assertThat(TestBed.readable(admin)).contains(id).contains("carol@notify.test").contains("bob@example.com")
                .contains("security rule default");
        assertThat(((InternetAddress) parse(admin).getFrom()[0]).getAddress()).isEqualTo("security@example.com");
        assertThat(kind(notices, "sender").recipients()).containsExactly("carol@notify.test");
        assertThat(kind(notices, "recipient").recipients()).containsExactly("bob@example.com");

        // the sender is not told once that is switched off; the admins are not told of what they did not ask for
        settings("{\"sender\": false, \"admins\": [\"sec@example.com\"], \"adminOutcomes\": [\"UNINSPECTED\"]}");
        Mails quiet = new Mails().attach("tool.com", "application/octet-stream", Mails.EICAR);
        String quietId = Api.queueId(GatewaySmtp.send("carol@notify.test", "bob@example.com",
                quiet.build("carol@notify.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(quietId).equals("BLOCKED"));
        // the notices are recorded with the hold, in its transaction: they are all there once it is BLOCKED
        assertThat(notices(quiet.testId())).extracting(n -> n.getJsonArray("recipients").getString(0))
                .containsExactly("bob@example.com");
    }

    @Test
    void theNullSenderIsNeverToldButTheRecipientsOfItsMailAre() throws Exception {
        settings("{\"sender\": true}");
        Mails bounce = new Mails().attach("x.com", "application/octet-stream", Mails.EICAR);
        String id = Api.queueId(GatewaySmtp.send("", "bob@example.com", bounce.build("mailer-daemon@notify.test",
                "bob@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(id).equals("BLOCKED"));
        assertThat(notices(bounce.testId())).extracting(n -> n.getJsonArray("recipients").getString(0))
                .containsExactly("bob@example.com");
        await().atMost(PATIENCE).until(() -> TestBed.notices(bounce.testId()).size() == 1);
        assertThat(TestBed.notices(bounce.testId()).get(0).recipients()).containsExactly("bob@example.com");
    }

    @Test
    void aMessageHeldForAPasswordTellsItsRecipientWithALinkToTheRescanPage() throws Exception {
        settings("{}");
        byte[] zip = new ZipFixtures().encrypted("salary.xlsx", "confidential".getBytes(), "s3cret", true, false)
                .build();
        Mails locked = new Mails().attach("salary.zip", "application/zip", zip);
        String id = Api.queueId(GatewaySmtp.send("hr@notify.test", "bob@example.com",
                locked.build("hr@notify.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> TestBed.notices(locked.testId()).size() == 1);
        assertThat(Api.state(id)).isEqualTo("PASSWORD_REQUIRED");
        String text = TestBed.readable(TestBed.notices(locked.testId()).get(0));
        assertThat(text).contains("salary.zip").contains("password required").contains("Open this link")
                .containsPattern("/rescan\\?t=[A-Za-z0-9_-]{43}").contains("The link is valid until")
                .doesNotContain("{link}").doesNotContain("{expiry}");
    }

    @Test
    void theDigestCollectsTheEventsOfItsWindowIntoOneMail() throws Exception {
        settings("{\"recipient\": false, \"admins\": [\"digest@example.com\"], \"digestMinutes\": 1}");
        Mails first = new Mails().attach("one.com", "application/octet-stream", Mails.EICAR);
        Mails second = new Mails().attach("two.com", "application/octet-stream", Mails.EICAR);
        String one = Api.queueId(GatewaySmtp.send("dan@notify.test", "bob@example.com",
                first.build("dan@notify.test", "bob@example.com")));
        String two = Api.queueId(GatewaySmtp.send("dan@notify.test", "bob@example.com",
                second.build("dan@notify.test", "bob@example.com")));
        await().atMost(PATIENCE).until(() -> Api.state(one).equals("BLOCKED") && Api.state(two).equals("BLOCKED"));
        assertThat(digests()).as("not before the window ends").isEmpty();

        // a minute after the first event, at the next check (every 15 s), one mail lists both
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> !digests().isEmpty());
        ReceivedMail digest = digests().get(0);
        assertThat(digest.recipients()).containsExactly("digest@example.com");
        String text = TestBed.readable(digest);
        assertThat(text).contains(first.testId()).contains(second.testId()).contains(one).contains(two)
                .contains("one.com").contains("two.com");
        assertThat(parse(digest).getSubject()).startsWith("[Moat] 2 messages not delivered since");
        Thread.sleep(2000);
        assertThat(digests()).as("one mail for the window").hasSize(1);
        assertThat(TestBed.notices(first.testId())).as("no mail of its own to the admins, none to the recipient")
                .containsExactly(digest);
    }

    @Test
    void aWrongSettingIsRefusedWithAProblemNamingItsFieldAndTheAuditorMayOnlyRead() {
        refused("{\"admins\": [\"sec@example.com\", \"not an address\"]}", "admins[1]");
        refused("{\"from\": \"security@example.com\\r\\nBcc: x@evil.test\"}", "from");
        refused("{\"adminOutcomes\": [\"BLOCKED\", \"SHRED\"]}", "adminOutcomes[1]");
        refused("{\"digestMinutes\": 100000}", "digestMinutes");
        refused("{\"relayProfile\": \"no-such-profile\"}", "relayProfile");
        refused("{\"templates\": {\"recipient\": {\"text\": \"Your password is {password}\"}}}",
                "templates.recipient.text");
        refused("{\"templates\": {\"admin\": {\"subject\": \"two\\nlines\"}}}", "templates.admin.subject");
        assertThat(settings("{}").getJsonArray("admins")).as("nothing of the refused was stored").isEmpty();

        Api.Answer read = Api.get(SETTINGS, null, true);
        assertThat(read.status()).isEqualTo(401);
        Api.Answer auditorReads = Api.send("GET", SETTINGS, null, "auditor", "it-auditor-secret");
        assertThat(auditorReads.status()).isEqualTo(200);
        assertThat(Api.send("PUT", SETTINGS, "{\"sender\": true}", "auditor", "it-auditor-secret").status())
                .isEqualTo(403);
        assertThat(settings("{}").getBoolean("sender")).isFalse();
    }

    @Test
    void theAdminSetsTheNotificationsInTheConsoleAndTheAuditorOnlyReadsThem() throws Exception {
        settings("{}");
        String http = "http://localhost:" + TestBed.HTTP_PORT;
        try (Browser browser = new Browser()) {
            browser.steps("notifications-admin", () -> {
                browser.open(http + "/login.xhtml");
                browser.type("signin:user", "admin");
                browser.type("signin:password", TestBed.ADMIN_PASSWORD);
                browser.click("signin:submit");
                browser.click("nav-notifications");
                browser.waitForUrl(http + "/settings/notifications.xhtml");
                assertThat(browser.element("notifications-form:from").getAttribute("value"))
                        .isEqualTo("postmaster@gateway.it.test");
                assertThat(browser.element("notifications-form:recipient-text").getAttribute("value"))
                        .contains("{link}");
                assertThat(browser.unlabelledFields()).isEmpty();

                // a bad address is refused next to its field, in the service's words
                browser.type("notifications-form:admins", "sec@example.com\nnot an address");
                browser.click("notifications-form:save");
                browser.waitForText("is not an address");
                assertThat(browser.text("notifications-form:admins-error")).startsWith("admins[1]:");
                browser.screenshot("notifications-01-refused");

                browser.type("notifications-form:admins", "sec@example.com");
                browser.element("notifications-form:sender").click();
                browser.type("notifications-form:digest-minutes", "5");
                browser.type("notifications-form:recipient-subject", "Held for you: {subject}");
                browser.click("notifications-form:save");
                browser.waitForText("Saved.");
                browser.screenshot("notifications-02-saved");
                browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(420, 800));
                assertThat(browser.sticksOutSideways()).isEmpty();
                browser.driver.manage().window().setSize(Browser.DESKTOP);
            });
        }
        JsonObject saved = (JsonObject) Api.get("/api/v1/settings/notifications").json();
        assertThat(saved.getJsonArray("admins").getString(0)).isEqualTo("sec@example.com");
        assertThat(saved.getBoolean("sender")).isTrue();
        assertThat(saved.getInt("digestMinutes")).isEqualTo(5);
        assertThat(saved.getJsonObject("templates").getJsonObject("recipient").getString("subject"))
                .isEqualTo("Held for you: {subject}");
        assertThat(saved.getJsonObject("templates").getJsonObject("recipient").getString("text"))
                .as("the text left as it was is still the default").contains("{link}");

        try (Browser auditor = new Browser()) {
            auditor.steps("notifications-auditor", () -> {
                auditor.open(http + "/login.xhtml");
                auditor.type("signin:user", "auditor");
                auditor.type("signin:password", "it-auditor-secret");
                auditor.click("signin:submit");
                auditor.waitForText("You are signed in as an auditor");
                auditor.open(http + "/settings/notifications.xhtml");
                assertThat(auditor.element("notifications-form:admins").getAttribute("value"))
                        .isEqualTo("sec@example.com");
                assertThat(auditor.element("notifications-form:admins").isEnabled()).isFalse();
                assertThat(auditor.has("notifications-form:save")).isFalse();
                auditor.screenshot("notifications-03-auditor");
            });
        }
        settings("{}");
    }

    private static void refused(String json, String field) {
        Api.Answer answer = Api.send("PUT", SETTINGS, json);
        assertThat(answer.status()).as(json).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.body()).as("the detail starts with the field").contains("\"" + field + ":");
    }

    /** PUTs the settings and answers what is in effect. */
    private static JsonObject settings(String json) {
        Api.Answer answer = Api.send("PUT", SETTINGS, json);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (JsonObject) answer.json();
    }

    /** The records of the notifications whose subject names this test id (the message list finds them). */
    private static List<JsonObject> notices(String testId) {
        return Api.list("?subject=" + testId).stream().map(JsonValue::asJsonObject)
                .filter(m -> m.getString("kind").equals("NOTIFICATION")).toList();
    }

    private static List<ReceivedMail> digests() {
        return TestBed.sink().messages().stream().filter(TestBed::isNotice)
                .filter(m -> m.text().contains("\r\nX-Moat-Notification: digest\r\n")).toList();
    }

    private static ReceivedMail kind(List<ReceivedMail> notices, String kind) {
        return notices.stream().filter(m -> m.text().contains("\r\nX-Moat-Notification: " + kind + "\r\n"))
                .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " notice among " + notices));
    }

    private static MimeMessage parse(ReceivedMail mail) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mail.data()));
    }
}
