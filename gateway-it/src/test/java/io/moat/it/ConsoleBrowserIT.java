package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The console in a real browser (Debian's headless Chromium) against a gateway of its own: an admin signs in with the
 * keyboard, finds a delivered message and opens its detail, adds a certificate, creates a STARTTLS-required SMTP
 * endpoint with it (checked with openssl s_client), turns on the Core profile's webhook callbacks over TLS with it
 * (REST and openssl check what was entered; bad values and a clashing profile are refused), turns on console HTTPS
 * and continues over https; an auditor sees but cannot change. Every page is saved as a screenshot under target/screenshots.
 */
class ConsoleBrowserIT {

    private static final String AUDITOR_PASSWORD = "browser-auditor-secret";

    private DedicatedGateway gateway;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anAdminManagesTheGatewayAndAnAuditorOnlyLooks() throws Exception {
        // retries an hour apart: only "Retry now" delivers a deferred message within the test
        gateway = DedicatedGateway.start(6, "console-browser", List.of("-Dmoat.auditor.password=" + AUDITOR_PASSWORD,
                "-Dmoat.delivery.retry-initial=PT1H", "-Dmoat.delivery.retry-max=PT1H"));
        String http = "http://localhost:" + gateway.httpPort;
        String https = "https://localhost:" + gateway.httpsPort;
        // the address browsers use (console redirects to HTTPS go there; with HTTPS on, its port is the HTTPS one)
        assertThat(Api.send("PUT", gateway.api("/settings/general"), "{\"publicAddress\": \"" + http + "\"}")
                .status()).isEqualTo(200);
        Path made = gateway.dataDir.resolveSibling("openssl");
        OpenSsl.issued(made, "browser-ca", "browser", "mail.browser.it.test");

        // a delivered message to find, received over TLS
        String subject = "Browser test " + UUID.randomUUID();
        Path report = Files.writeString(made.resolve("figures.txt"), "quarterly figures\n");
        String queueId = Swaks.send(gateway.smtpPort, "--tls", "--to", "carol@example.com", "--header",
                "Subject: " + subject, "--attach", "@" + report);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(state(queueId)));
        // and a deferred one: the downstream was down at its first attempt
        gateway.sink.stop();
        String deferredId = Swaks.send(gateway.smtpPort, "--to", "dave@example.com", "--header",
                "Subject: Deferred " + subject);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DEFERRED".equals(state(deferredId)));
        gateway.sink.start();

        try (Browser browser = new Browser()) {
            browser.steps("admin", () -> admin(browser, http, https, subject, deferredId));
        }
        try (Browser auditor = new Browser()) {
            auditor.steps("auditor", () -> auditor(auditor, https));
        }
    }

    private void admin(Browser browser, String http, String https, String subject, String deferredId)
            throws Exception {
        // a console page without a session leads to the sign-in page, which returns there afterwards
        browser.open(http + "/messages.xhtml");
        browser.waitForUrl(http + "/login.xhtml?next=");
        browser.type("signin:user", "admin");
        browser.type("signin:password", "not the password");
        browser.click("signin:submit");
        browser.waitForText("Wrong user name or password");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("01-sign-in");
        // by keyboard: user, Tab, password, Enter
        browser.type("signin:user", "admin");
        browser.element("signin:user").sendKeys(Keys.TAB, TestBed.ADMIN_PASSWORD, Keys.ENTER);
        browser.waitForUrl(http + "/messages.xhtml");
        assertThat(browser.text("signed-in-as")).contains("admin");

        // the dashboard
        browser.open(http + "/");
        browser.waitForText("Messages by state");
        assertThat(browser.text("last-day")).isNotEqualTo("0");
        assertThat(browser.text("servers")).contains("smtp://127.0.0.1:" + gateway.sink.port())
                .doesNotContain(" no ");
        browser.screenshot("02-dashboard");

        // find the delivered message and open its detail
        browser.open(http + "/messages.xhtml");
        browser.type("search-subject", subject.substring(13));
        new Select(browser.element("search-state")).selectByValue("DELIVERED");
        browser.click("search-submit");
        browser.waitForUrl(http + "/messages.xhtml?");
        assertThat(browser.text("found")).contains(subject).contains("carol@example.com");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("03-messages");
        browser.driver.findElement(org.openqa.selenium.By.linkText(subject)).click();
        browser.waitForText("Delivery attempts");
        assertThat(browser.text("message-state")).isEqualTo("DELIVERED");
        assertThat(browser.text("tls-in-facts")).startsWith("TLSv1.3");
        assertThat(browser.text("attachments")).contains("figures.txt").contains("No Threat Detected");
        assertThat(browser.text("attempts")).contains("smtp://127.0.0.1:" + gateway.sink.port()).contains("250");
        browser.screenshot("04-message");

        // the deferred message says why and when it is tried next; "Retry now" delivers it at once
        browser.open(http + "/message.xhtml?id=" + deferredId);
        assertThat(browser.text("message-state")).isEqualTo("DEFERRED");
        assertThat(browser.has("next-attempt")).isTrue();
        assertThat(browser.text("last-error")).isNotBlank();
        browser.click("retry-form:retry");
        browser.waitForText("Retrying now");
        browser.screenshot("04-message-retry");
        await().atMost(Duration.ofSeconds(30)).until(() -> "DELIVERED".equals(state(deferredId)));
        browser.open(http + "/message.xhtml?id=" + deferredId);
        assertThat(browser.text("message-state")).isEqualTo("DELIVERED");
        assertThat(browser.has("retry-form:retry")).isFalse();

        // Settings > Certificates: a key of another certificate is refused in the validator's words next to the
        // field; with the right key the pair is added
        Path made = gateway.dataDir.resolveSibling("openssl");
        OpenSsl.selfSigned(made, "other", "other.it.test", true);
        browser.open(http + "/settings/certificates.xhtml");
        browser.type("cert-form:cert-name", "browser-mail");
        browser.element("cert-form:cert-key-file").sendKeys(made.resolve("other.key").toAbsolutePath().toString());
        browser.element("cert-form:cert-chain-file").sendKeys(made.resolve("browser.crt").toAbsolutePath()
                .toString());
        browser.click("cert-form:cert-add");
        browser.waitForText("does not match");
        assertThat(browser.text("cert-form:cert-key-error") + browser.text("cert-form:cert-chain-error"))
                .contains("does not match");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("05-certificate-refused");
        browser.element("cert-form:cert-key-file").sendKeys(made.resolve("browser.key").toAbsolutePath()
                .toString());
        browser.click("cert-form:cert-add");
        browser.waitForText("Added certificate 'browser-mail'");
        assertThat(browser.text("cert-list:certificates")).contains("browser-mail").contains("mail.browser.it.test");
        browser.screenshot("06-certificates");

        // Settings > Security: a STARTTLS-required endpoint
        int submission = gateway.smtpPort + 10;
        browser.open(http + "/settings/security.xhtml");
        browser.click("endpoints-form:add-endpoint");
        browser.element("endpoint-form:name");
        browser.type("endpoint-form:name", "browser-submission");
        browser.type("endpoint-form:bind-address", "127.0.0.1");
        browser.type("endpoint-form:port", Integer.toString(submission));
        new Select(browser.element("endpoint-form:encryption")).selectByValue("STARTTLS_REQUIRED");
        new Select(browser.element("endpoint-form:certificate")).selectByVisibleText("browser-mail");
        browser.type("endpoint-form:relay-domains", "example.com");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("07-edit-endpoint");
        browser.click("endpoint-form:save");
        browser.waitForText("SMTP endpoint 'browser-submission' saved (STARTTLS required). It is listening on");
        assertThat(browser.text("endpoints-form:endpoints")).contains("browser-submission")
                .contains("127.0.0.1:" + submission).contains("STARTTLS required").contains("browser-mail");
        OpenSsl.Handshake handshake = OpenSsl.connect(submission, "-starttls", "smtp");
        assertThat(handshake.established()).as(handshake.output()).isTrue();
        assertThat(OpenSsl.fingerprint(handshake.certificatePem())).isEqualTo(OpenSsl.fingerprint(made.resolve(
                "browser.crt")));
        try (RawSmtp smtp = new RawSmtp(submission)) {
            assertThat(smtp.reply()).startsWith("220");
            assertThat(smtp.command("EHLO client.it.test")).contains("STARTTLS");
            assertThat(smtp.command("MAIL FROM:<alice@sender.test>")).startsWith("530 5.7.0");
        }

        // the certificate is now in use: deleting it is refused, saying where it is used
        browser.open(http + "/settings/certificates.xhtml");
        assertThat(browser.text("cert-list:certificates:1:name")).isEqualTo("browser-mail");
        browser.click("cert-list:certificates:1:delete");
        assertThat(browser.text("cert-list:certificates:1:really-delete")).contains("browser-mail");
        browser.click("cert-list:certificates:1:confirm-delete");
        browser.waitForText("is in use by SMTP endpoint 'browser-submission'");
        assertThat(browser.text("cert-list:certificates")).contains("browser-mail");

        webhookCallbacks(browser, http, made);

        // console HTTPS on: the browser continues over https, still signed in
        browser.open(http + "/settings/security.xhtml");
        browser.element("console-tls:https-enabled").click();
        browser.click("console-tls:apply-console-tls");
        browser.waitForUrl(https + "/settings/security.xhtml");
        browser.waitForText("Console HTTPS is on");
        assertThat(browser.text("signed-in-as")).contains("admin");
        browser.screenshot("08-security-https");
        // plain HTTP now leads to HTTPS at the public address; asked at 127.0.0.1, since HSTS for localhost makes
        // the browser itself turn http://localhost:PORT into https://localhost:PORT, the same (plain) port (RFC 6797
        // 8.3), and IP addresses are exempt (8.1.1)
        browser.open("http://127.0.0.1:" + gateway.httpPort + "/index.xhtml");
        browser.waitForUrl(https + "/index.xhtml");
        assertThat(OpenSsl.connect(gateway.httpsPort).established()).isTrue();

        // the public server address follows console HTTPS
        browser.open(https + "/settings/general.xhtml");
        assertThat(browser.text("public-address-in-effect")).startsWith("https://");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("09-general");
        // server profiles: the bootstrap ones, their servers and the trust store
        browser.open(https + "/settings/profiles.xhtml");
        assertThat(browser.text("profile-form:smtp-profiles")).contains("downstream")
                .contains("smtp://127.0.0.1:" + gateway.sink.port());
        assertThat(browser.text("profile-form:core-profiles")).contains("core");
        browser.click("profile-form:profile-add");
        browser.element("profile-form:profile-name");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("10-server-profiles");

        // a narrow window needs no sideways scrolling on any page (wide tables scroll in their own box)
        browser.driver.manage().window().setSize(new Dimension(420, 800));
        for (String page : List.of("/index.xhtml", "/messages.xhtml", "/settings/general.xhtml",
                "/settings/certificates.xhtml", "/settings/security.xhtml", "/settings/profiles.xhtml")) {
            browser.open(https + page);
            browser.element("main");
            assertThat(browser.sticksOutSideways()).as(page).isEmpty();
        }
        browser.screenshot("11-narrow-profiles");
        browser.driver.manage().window().setSize(Browser.DESKTOP);

        browser.click("session:sign-out");
        browser.waitForText("You are signed out.");
        browser.open(https + "/index.xhtml");
        browser.waitForUrl(https + "/login.xhtml");
    }

    /**
     * Settings > Server profiles: the default Core profile's webhook callbacks. A port of 0 and a public URL without a
     * scheme are refused next to their fields and change nothing; callbacks with TLS on the stored certificate and
     * TLSv1.3 only are saved (the REST API shows them, left-out fields at their defaults) and served at once by the
     * webhook port (openssl); a second Core profile that wants the shared listener otherwise is refused at the top of
     * the page.
     */
    private void webhookCallbacks(Browser browser, String http, Path made) throws Exception {
        int webhookPort = gateway.httpPort + 9; // moat.webhook.port of a dedicated gateway
        String coreId = coreProfile("core").getString("id");
        assertThat(OpenSsl.connect(webhookPort, "-tls1_3").established()).isFalse();

        browser.open(http + "/settings/profiles.xhtml");
        assertThat(browser.text("profile-form:core-profiles")).contains("off: polled");
        browser.click("profile-form:core-profiles:0:profile-edit");
        browser.element("profile-form:webhook-enabled");
        // empty fields show the defaults the gateway would use: the public address's host with the webhook port
        assertThat(browser.element("profile-form:webhook-port").getAttribute("placeholder"))
                .isEqualTo(Integer.toString(webhookPort));
        assertThat(browser.element("profile-form:webhook-public-url").getAttribute("placeholder"))
                .isEqualTo("http://localhost:" + webhookPort);
        browser.element("profile-form:webhook-enabled").click();
        browser.type("profile-form:webhook-port", "0");
        browser.click("profile-form:profile-save");
        browser.waitForText("webhook.port must be 1..65535");
        assertThat(browser.text("profile-form:webhook-port-error")).contains("webhook.port must be 1..65535, was 0");
        browser.screenshot("07a-webhook-refused");
        browser.type("profile-form:webhook-port", "");
        browser.type("profile-form:webhook-public-url", "moat.example.org:" + webhookPort);
        browser.click("profile-form:profile-save");
        browser.waitForText("is not an http(s) URL with a host");
        assertThat(browser.text("profile-form:webhook-public-url-error")).contains("webhook.publicUrl");
        assertThat(browser.driver.findElements(By.id("profile-form:webhook-port-error")))
                .allMatch(e -> e.getText().isEmpty());
        // refused: nothing changed, nothing listens differently
        assertThat(coreProfile("core").getJsonObject("webhook").getBoolean("enabled")).isFalse();
        assertThat(OpenSsl.connect(webhookPort, "-tls1_3").established()).isFalse();

        // TLS on: the certificate and versions appear, the default URL turns https
        browser.type("profile-form:webhook-public-url", "");
        browser.element("profile-form:webhook-tls").click();
        Select certificate = new Select(browser.element("profile-form:webhook-certificate"));
        assertThat(browser.element("profile-form:webhook-public-url").getAttribute("placeholder"))
                .isEqualTo("https://localhost:" + webhookPort);
        certificate.selectByVisibleText("browser-mail");
        browser.driver.findElement(By.cssSelector("input[name='profile-form:webhook-protocols'][value='TLSv1.3']"))
                .click();
        browser.type("profile-form:webhook-poll", "30");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("07b-webhook-tls");
        browser.click("profile-form:profile-save");
        browser.waitForText("Core profile 'core' saved");
        assertThat(browser.text("feedback")).contains("https://localhost:" + webhookPort)
                .contains("serves TLS (TLSv1.3) now");
        assertThat(browser.text("profile-form:core-profiles")).contains("https://localhost:" + webhookPort)
                .contains("TLS with browser-mail, TLSv1.3").contains("polled after 30 s");

        // the REST API shows what was entered, the fields left empty at their defaults
        JsonObject webhook = coreProfile("core").getJsonObject("webhook");
        String certificateId = ((JsonArray) Api.send("GET", gateway.api("/certificates"), null).json()).stream()
                .map(JsonValue::asJsonObject).filter(c -> c.getString("name").equals("browser-mail")).findFirst()
                .orElseThrow().getString("id");
        assertThat(webhook.getBoolean("enabled")).isTrue();
        assertThat(webhook.getInt("port")).isEqualTo(webhookPort);
        assertThat(webhook.getString("publicUrl")).isEqualTo("https://localhost:" + webhookPort);
        assertThat(webhook.getInt("fallbackPollSeconds")).isEqualTo(30);
        JsonObject tls = webhook.getJsonObject("tls");
        assertThat(tls.getBoolean("enabled")).isTrue();
        assertThat(tls.getString("certificateId")).isEqualTo(certificateId);
        assertThat(tls.getJsonArray("protocols")).containsExactly(Json.createValue("TLSv1.3"));
        // and the webhook port serves that certificate, over TLSv1.3 only, without a restart
        OpenSsl.Handshake handshake = OpenSsl.connect(webhookPort, "-tls1_3");
        assertThat(handshake.established()).as(handshake.output()).isTrue();
        assertThat(OpenSsl.fingerprint(handshake.certificatePem()))
                .isEqualTo(OpenSsl.fingerprint(made.resolve("browser.crt")));
        assertThat(OpenSsl.connect(webhookPort, "-tls1_2").established()).isFalse();
        // opened again, the editor keeps the defaults as defaults (empty fields), not the values they gave
        browser.click("profile-form:core-profiles:0:profile-edit");
        assertThat(browser.element("profile-form:webhook-enabled").isSelected()).isTrue();
        assertThat(browser.element("profile-form:webhook-port").getAttribute("value")).isEmpty();
        assertThat(browser.element("profile-form:webhook-public-url").getAttribute("value")).isEmpty();
        assertThat(browser.element("profile-form:webhook-tls").isSelected()).isTrue();
        browser.click("profile-form:profile-cancel");

        // a second Core profile cannot want the one webhook listener otherwise (plain HTTP): a page error, no change
        Api.Answer created = Api.send("POST", gateway.api("/server-profiles"), "{\"name\": \"core-two\", \"type\":"
                + " \"CORE\", \"servers\": [{\"uri\": \"http://127.0.0.1:" + gateway.core.port() + "\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        browser.open(http + "/settings/profiles.xhtml");
        browser.driver.findElement(By.cssSelector("[aria-label='Edit core-two']")).click();
        browser.element("profile-form:webhook-enabled").click();
        browser.click("profile-form:profile-save");
        browser.waitForText("Core profiles share one webhook listener");
        assertThat(browser.text("feedback")).contains("Not possible now").contains("'core' has it on");
        browser.screenshot("07c-webhook-conflict");
        assertThat(coreProfile("core-two").getJsonObject("webhook").getBoolean("enabled")).isFalse();
        assertThat(OpenSsl.connect(webhookPort, "-tls1_3").established()).isTrue();
        browser.click("profile-form:profile-cancel");
        assertThat(Api.send("DELETE", gateway.api("/server-profiles/" + coreProfile("core-two").getString("id")),
                null).status()).isEqualTo(204);
    }

    /** The Core profile named {@code name} as the REST API shows it. */
    private JsonObject coreProfile(String name) {
        return ((JsonArray) Api.send("GET", gateway.api("/server-profiles"), null).json()).stream()
                .map(JsonValue::asJsonObject).filter(p -> p.getString("name").equals(name)).findFirst().orElseThrow();
    }

    private void auditor(Browser auditor, String https) {
        auditor.open(https + "/login.xhtml");
        auditor.type("signin:user", "auditor");
        auditor.type("signin:password", AUDITOR_PASSWORD);
        auditor.click("signin:submit");
        auditor.waitForText("You are signed in as an auditor");
        auditor.open(https + "/settings/security.xhtml");
        auditor.waitForText("browser-submission");
        assertThat(auditor.has("console-tls:apply-console-tls")).isFalse();
        assertThat(auditor.has("endpoints-form:add-endpoint")).isFalse();
        assertThat(auditor.element("console-tls:https-enabled").isEnabled()).isFalse();
        assertThat(auditor.element("console-tls:https-enabled").isSelected()).isTrue();
        assertThat(auditor.text("endpoints-form:endpoints")).contains("browser-mail");
        auditor.screenshot("12-auditor-security");
    }

    private String state(String queueId) {
        Api.Answer answer = Api.get(gateway.api("/messages/" + queueId), TestBed.ADMIN_PASSWORD, true);
        return answer.status() == 200 ? ((JsonObject) answer.json()).getString("state") : null;
    }
}
