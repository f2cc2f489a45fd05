package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import io.moat.devtools.ZipFixtures;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The public rescan page on the shared IT gateway with console HTTPS switched on (and off again at the end): the link
 * in the recipient's notice of a message held for a password (or one an admin gets) is https at the public server
 * address, its plain-HTTP address sends the browser there; in Chromium a wrong password keeps the message held and says so, the right one has the archive
 * scanned again (EICAR inside: still blocked, and why; a clean file: delivered to the sink), and the link opens
 * nothing afterwards, nor after it expired; too many failures from one address are refused; the passwords are
 * nowhere on disk afterwards. Pages are saved under target/screenshots as {@code rescan-*}, one at a phone's width.
 */
class RescanPageIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String AUDITOR_PASSWORD = System.getProperty("it.auditor.password", "it-auditor-secret");
    private static final String PLAIN = "http://localhost:" + TestBed.HTTP_PORT;
    /** The shared server's console HTTPS port (gateway-it/pom.xml: moat.https.port). */
    private static final int HTTPS_PORT = 18443;
    private static final String HTTPS = "https://localhost:" + HTTPS_PORT;
    private static final Dimension PHONE = new Dimension(390, 844);
    private static final Pattern LINK = Pattern.compile("https://localhost:" + HTTPS_PORT
            + "/rescan\\?t=[A-Za-z0-9_-]{43}");

    /** The gateway's own digital ID, self-signed for its host name and localhost, serves the console's HTTPS. */
    private static SSLContext trust;
    private static HttpClient https;
    private static String previousAddress;

    @BeforeAll
    static void consoleHttpsOn() throws Exception {
        TestBed.up();
        previousAddress = ((JsonObject) Api.get("/api/v1/settings/general").json()).getString("publicAddress");
        // the address a recipient's browser uses; with console HTTPS on it is https on the HTTPS port
        assertThat(Api.send("PUT", PLAIN + "/api/v1/settings/general", "{\"publicAddress\": \"" + PLAIN + "\"}")
                .status()).isEqualTo(200);
        Api.Answer on = Api.send("PUT", PLAIN + "/api/v1/settings/security/console-tls",
                "{\"enabled\": true, \"certificateId\": \"digital-id\"}");
        assertThat(on.status()).as(on.body()).isEqualTo(200);
        trust = Trust.trusting(Path.of(System.getProperty("it.data", "target/it-data")).resolve("cert.pem"));
        https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust).build();
        assertThat(json(Api.send(https, "GET", HTTPS + "/api/v1/settings/general", null)).getString("publicAddress"))
                .isEqualTo(HTTPS);
    }

    @AfterAll
    static void consoleHttpsOff() {
        if (https != null) {
            Api.send(https, "PUT", HTTPS + "/api/v1/settings/rescan-page", "{\"linkValidity\": \"P7D\","
                    + " \"maxWrongPasswords\": 5}");
            Api.send(https, "PUT", HTTPS + "/api/v1/settings/security/console-tls", "{\"enabled\": false}");
        }
        Api.send("PUT", PLAIN + "/api/v1/settings/security/console-tls", "{\"enabled\": false}");
        Api.send("PUT", PLAIN + "/api/v1/settings/general", "{\"publicAddress\": \"" + previousAddress + "\"}");
    }

    @Test
    void aWrongPasswordKeepsTheMessageHeldAndTheRightOneFindsTheMalwareInsideOnThePageOverHttps()
            throws Exception {
        String password = "Invoice-" + UUID.randomUUID();
        String wrong = "Wrong-" + UUID.randomUUID();
        Mails mail = new Mails().attach("invoice.zip", "application/zip",
                new ZipFixtures().encrypted("invoice.com", Mails.EICAR, password, true, false).build());
        String subject = "Invoice <Q4> & \"more\" " + mail.testId(); // escaped on the page
        mail.subject(subject);
        String id = held(mail, "billing@rescan.test", "bob@example.com");

        // the recipient's notice carries the link: https at the public server address
        await().atMost(PATIENCE).until(() -> TestBed.notices(mail.testId()).size() == 1);
        ReceivedMail notice = TestBed.notices(mail.testId()).get(0);
        assertThat(notice.recipients()).containsExactly("bob@example.com");
        Matcher inNotice = LINK.matcher(TestBed.readable(notice));
        assertThat(inNotice.find()).as(TestBed.readable(notice)).isTrue();
        String link = inNotice.group();
        assertThat(TestBed.readable(notice)).contains("The link is valid until");
        String token = link.substring(link.indexOf("?t=") + 3);

        // the page over plain HTTP goes to HTTPS; over HTTPS: not cached, no session, a strict policy, HSTS
        String plainPage = PLAIN + "/rescan?t=" + token;
        assertThat(Api.get(plainPage, null, true).status()).isEqualTo(308);
        assertThat(Api.get(plainPage, null, true).location()).isEqualTo(link);
        HttpResponse<String> page = https.send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("default-src 'none'").contains("frame-ancestors 'none'").doesNotContain("unsafe"));
        assertThat(page.headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(page.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(page.body()).contains("Invoice &lt;Q4&gt; &amp; &quot;more&quot; " + mail.testId())
                .contains("invoice.zip")
                .doesNotContain("invoice.com").doesNotContain("bob@example.com");
        HttpResponse<String> style = https.send(HttpRequest.newBuilder(URI.create(HTTPS
                + "/jakarta.faces.resource/console.css.xhtml?ln=moat")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.body()).contains(".public");

        try (Browser browser = new Browser()) {
            browser.steps("rescan-malware", () -> {
                // the link as a recipient might type it: plain HTTP, and the browser ends up on HTTPS
                browser.open(plainPage);
                browser.waitForUrl(link);
                assertThat(browser.text("sender")).isEqualTo("billing@rescan.test");
                assertThat(browser.text("subject")).isEqualTo(subject);
                assertThat(browser.text("received")).endsWith("UTC");
                assertThat(browser.driver.findElement(By.cssSelector("label[for=password-0]")).getText())
                        .isEqualTo("Password for invoice.zip");
                assertThat(browser.element("password-0").getAttribute("autocomplete")).isEqualTo("off");
                assertThat(browser.element("password-0").getAttribute("type")).isEqualTo("password");
                assertThat(browser.unlabelledFields()).isEmpty();
                assertThat(browser.script("return getComputedStyle(document.querySelector('main')).maxWidth"))
                        .as("the console's style sheet applies").isEqualTo("520px");
                browser.screenshot("rescan-01-asks");
                browser.driver.manage().window().setSize(PHONE);
                assertThat(browser.sticksOutSideways()).isEmpty();
                browser.screenshot("rescan-02-phone");
                browser.driver.manage().window().setSize(Browser.DESKTOP);

                // a wrong password: still held, the page says so and shows no password
                browser.type("password-0", wrong);
                browser.click("submit");
                browser.waitForText("Wrong password");
                assertThat(browser.element("result").getAttribute("role")).isEqualTo("alert");
                assertThat(browser.text("result")).contains("invoice.zip").contains("still held");
                assertThat(browser.text("tries")).contains("4 passwords");
                assertThat(browser.element("password-0").getAttribute("value")).isEmpty();
                assertThat(browser.driver.getPageSource()).doesNotContain(wrong);
                assertThat(state(id)).isEqualTo("PASSWORD_REQUIRED");
                browser.screenshot("rescan-03-wrong-password");

                // the right one: Core looks inside, finds EICAR, and the message stays blocked
                browser.type("password-0", password);
                browser.click("submit");
                browser.waitForText("Still blocked");
                assertThat(browser.text("result")).contains("a threat was found in invoice.zip");
                assertThat(browser.driver.getPageSource()).doesNotContain(password);
                browser.screenshot("rescan-04-still-blocked");
            });
        }
        assertThat(state(id)).isEqualTo("BLOCKED");
        assertThat(TestBed.delivered(mail.testId())).isEmpty();
        JsonObject detail = message(id);
        assertThat(detail.getJsonArray("actions").stream().map(a -> a.asJsonObject().getString("actor")))
                .containsExactly("recipient via rescan link", "recipient via rescan link");
        // used up; and an admin gets no new link for a message no longer held for a password
        assertThat(https.send(HttpRequest.newBuilder(URI.create(link)).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(404);
        assertThat(Api.send(https, "POST", HTTPS + "/api/v1/quarantine/" + id + "/rescan-link", null).status())
                .isEqualTo(409);
        Leaks.assertNowhereOnDisk(password);
        Leaks.assertNowhereOnDisk(wrong);
    }

    @Test
    void anEncryptedZipWithACleanFileIsDeliveredAfterTheRightPasswordAndItsLinkOpensNothingThen() throws Exception {
        String password = "Minutes-äöü-" + UUID.randomUUID(); // UTF-8 from the form to Core's archivepwd
        Mails mail = new Mails().attach("minutes.zip", "application/zip",
                new ZipFixtures().encrypted("minutes.txt", "board minutes".getBytes(), password, true, false).build());
        String id = held(mail, "board@rescan.test", "carol@example.com");
        // an admin gives out a new link (for a recipient whose link expired, say): seven days; the auditor may not
        assertThat(Api.send(https, "POST", HTTPS + "/api/v1/quarantine/" + id + "/rescan-link", null, "auditor",
                AUDITOR_PASSWORD).status()).isEqualTo(403);
        Api.Answer issued = Api.send(https, "POST", HTTPS + "/api/v1/quarantine/" + id + "/rescan-link", null);
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        String link = ((JsonObject) issued.json()).getString("url");
        assertThat(link).matches(LINK.pattern());
        assertThat(issued.location()).isEqualTo(link);
        assertThat(Instant.parse(((JsonObject) issued.json()).getString("expiresAt")))
                .isBetween(Instant.now().plus(Duration.ofDays(7)).minusSeconds(60),
                        Instant.now().plus(Duration.ofDays(7)).plusSeconds(60));

        try (Browser browser = new Browser()) {
            browser.steps("rescan-clean", () -> {
                browser.open(link);
                browser.type("password-0", password);
                browser.click("submit");
                browser.waitForText("Delivered");
                assertThat(browser.element("result").getAttribute("role")).isEqualTo("status");
                assertThat(browser.has("password-0")).isFalse();
                browser.screenshot("rescan-05-delivered");

                browser.open(link);
                browser.waitForText("This link is not valid (any more)");
                assertThat(browser.has("sender")).isFalse();
                browser.screenshot("rescan-06-used");
            });
        }
        await().atMost(PATIENCE).until(() -> TestBed.delivered(mail.testId()).size() == 1);
        assertThat(TestBed.delivered(mail.testId()).get(0).recipients()).containsExactly("carol@example.com");
        await().atMost(PATIENCE).until(() -> state(id).equals("DELIVERED"));
        assertThat(Api.attachment(message(id), "minutes.zip").getString("category")).isEqualTo("CLEAN");
        Leaks.assertNowhereOnDisk(password);
        // a token the gateway only handed to the admin is nowhere either (one in a notice is in that mail)
        Leaks.assertNowhereOnDisk(link.substring(link.indexOf("?t=") + 3));
    }

    @Test
    void aLinkExpiresAfterTheValidityTheAdminSetAndTheAnswerIsTheSameAsForALinkNeverGiven() throws Exception {
        Mails mail = new Mails().attach("plans.zip", "application/zip", new ZipFixtures()
                .encrypted("plans.txt", "plans".getBytes(), "x", true, false).build());
        String id = held(mail, "plans@rescan.test", "dave@example.com");
        Api.Answer bad = Api.send(https, "PUT", HTTPS + "/api/v1/settings/rescan-page", "{\"linkValidity\": \"soon\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("linkValidity");
        // the admin sets it in the console (Settings > General, Rescan page): a refusal next to its field, then seconds
        try (Browser browser = new Browser()) {
            browser.steps("rescan-settings", () -> {
                browser.open(HTTPS + "/login.xhtml");
                browser.type("signin:user", "admin");
                browser.type("signin:password", TestBed.ADMIN_PASSWORD);
                browser.click("signin:submit");
                browser.waitForUrl(HTTPS + "/index.xhtml");
                browser.open(HTTPS + "/settings/general.xhtml");
                assertThat(browser.element("rescan-page-form:link-validity").getAttribute("value")).isEqualTo("P7D");
                assertThat(browser.element("rescan-page-form:max-wrong-passwords").getAttribute("value"))
                        .isEqualTo("5");
                assertThat(browser.unlabelledFields()).isEmpty();
                browser.type("rescan-page-form:link-validity", "soon");
                browser.click("rescan-page-form:save");
                browser.waitForText("is not an ISO-8601 duration");
                assertThat(browser.text("rescan-page-form:link-validity-error")).startsWith("linkValidity: 'soon'");
                browser.screenshot("rescan-07-settings-refused");
                browser.type("rescan-page-form:link-validity", "PT3S");
                browser.click("rescan-page-form:save");
                browser.waitForText("Saved: a rescan link works 3 seconds and takes 5 passwords");
                assertThat(browser.text("link-validity-words")).isEqualTo("3 seconds");
            });
        }
        assertThat(json(Api.send(https, "GET", HTTPS + "/api/v1/settings/rescan-page", null)).getString(
                "linkValidity")).isEqualTo("PT3S");
        String link;
        try {
            link = link(id);
        } finally {
            assertThat(json(Api.send(https, "PUT", HTTPS + "/api/v1/settings/rescan-page",
                    "{\"linkValidity\": \"P7D\"}")).getString("linkValidity")).isEqualTo("PT168H");
        }
        assertThat(get(link).statusCode()).isEqualTo(200);

        Thread.sleep(3500);

        HttpResponse<String> expired = get(link);
        HttpResponse<String> never = get(HTTPS + "/rescan?t=" + "A".repeat(43));
        assertThat(expired.statusCode()).isEqualTo(404);
        assertThat(expired.body()).contains("This link is not valid (any more)").doesNotContain("plans");
        assertThat(expired.body()).isEqualTo(never.body());
        assertThat(state(id)).isEqualTo("PASSWORD_REQUIRED");
    }

    @Test
    void tooManyFailuresFromOneAddressAreRefusedAndLogged() throws Exception {
        RawHttp from = new RawHttp("127.0.0.23", HTTPS_PORT).tls(trust);
        for (int i = 0; i < 10; i++) {
            RawHttp.Response guess = from.get("/rescan?t=" + UUID.randomUUID());
            assertThat(guess.status()).as("guess " + i).isEqualTo(404);
        }

        RawHttp.Response refused = from.get("/rescan?t=" + "A".repeat(43));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Long.parseLong(refused.header("Retry-After"))).isPositive();
        assertThat(refused.body()).contains("Too many tries").contains("role=\"alert\"");
        assertThat(Files.readString(TestBed.serverLog())).contains("10 failures on the rescan page from 127.0.0.23");
        // another address is not held back by it
        assertThat(new RawHttp("127.0.0.24", HTTPS_PORT).tls(trust).get("/rescan?t=" + "A".repeat(43)).status())
                .isEqualTo(404);
    }

    /** The message's detail, over HTTPS: while console HTTPS is on, the REST API refuses plain HTTP. */
    private static JsonObject message(String id) {
        return json(Api.send(https, "GET", HTTPS + "/api/v1/messages/" + id, null));
    }

    private static String state(String id) {
        return message(id).getString("state");
    }

    /** Sends the mail and waits until it is held for a password; returns its id. */
    private static String held(Mails mail, String from, String to) throws Exception {
        String id = Api.queueId(GatewaySmtp.send(from, to, mail.build(from, to)));
        await().atMost(PATIENCE).until(() -> state(id).equals("PASSWORD_REQUIRED"));
        return id;
    }

    /** A new link to the message's page, as an admin gets it. */
    private static String link(String id) {
        Api.Answer issued = Api.send(https, "POST", HTTPS + "/api/v1/quarantine/" + id + "/rescan-link", null);
        assertThat(issued.status()).as(issued.body()).isEqualTo(201);
        return ((JsonObject) issued.json()).getString("url");
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return https.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(Api.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (JsonObject) answer.json();
    }
}
