package io.moat.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.moat.devtools.ReceivedMail;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.support.ui.Select;

/**
 * Settings &gt; Security rules in a real browser (Debian's headless Chromium) against a gateway of its own: the admin
 * creates a rule in the editor (after a refusal shown next to the field it names), moves it above the default rule,
 * disables and enables rules, and runs the dry run; mail sent over SMTP then goes by the new rule, and the message's
 * page, the messages list and the dashboard say so. The order and the dry run are checked against the REST API; an
 * auditor sees the rules but cannot change them. Every page is saved under target/screenshots as {@code rules-*}.
 */
class RulesConsoleIT {

    private static final String AUDITOR_PASSWORD = "rules-auditor-secret";

    private DedicatedGateway gateway;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void anAdminMakesAndOrdersRulesInTheConsoleAndMailGoesByThem() throws Exception {
        // a fresh database: the test begins where an upgrade leaves an installation, with the default rule alone
        Path previous = Path.of(System.getProperty("it.crash.dir", "target/crash")).resolveSibling("rules-console");
        if (Files.exists(previous)) {
            try (Stream<Path> files = Files.walk(previous)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        gateway = DedicatedGateway.start(8, "rules-console", List.of("-Dmoat.auditor.password=" + AUDITOR_PASSWORD));
        String http = "http://localhost:" + gateway.httpPort;
        try (Browser browser = new Browser()) {
            browser.steps("rules-admin", () -> admin(browser, http));
        }
        try (Browser auditor = new Browser()) {
            auditor.steps("rules-auditor", () -> auditor(auditor, http));
        }
    }

    private void admin(Browser browser, String http) throws Exception {
        browser.open(http + "/login.xhtml");
        browser.type("signin:user", "admin");
        browser.type("signin:password", TestBed.ADMIN_PASSWORD);
        browser.click("signin:submit");
        browser.click("nav-rules");
        browser.waitForUrl(http + "/settings/rules.xhtml");
        // after the upgrade there is one rule: the default, which takes all mail as before
        assertThat(names(browser)).containsExactly("default");
        assertThat(browser.text("rules-form:rules:0:rule-filter")).isEqualTo("all mail");
        browser.screenshot("rules-01-list");

        // the editor: a bad network is refused next to its field, in the service's words, naming the field
        browser.click("rules-form:rule-add");
        browser.type("rule-form:rule-name", "partners");
        browser.type("rule-form:rule-previous-hops", "127.0.0.0/8\n10.0.0.300");
        browser.type("rule-form:rule-senders", "@sender.test");
        browser.type("rule-form:rule-recipients", "@example.com, !ceo@example.com");
        new Select(browser.element("rule-form:rule-core-profile")).selectByVisibleText("core");
        new Select(browser.element("rule-form:rule-relay-profile")).selectByVisibleText("downstream");
        new Select(browser.element("rule-form:rule-blocked")).selectByValue("DELETE_CONTENT");
        new Select(browser.element("rule-form:rule-scan-error")).selectByValue("BYPASS");
        browser.type("rule-form:rule-scan-error-after", "PT2M");
        browser.type("rule-form:allowed-tag", "[checked]");
        browser.type("rule-form:allowed-headers", "X-Moat-Rule: {rule}");
        browser.type("rule-form:blocked-tag", "[REMOVED]");
        browser.type("rule-form:blocked-disclaimer-text", "An attachment was removed.");
        new Select(browser.element("rule-form:blocked-disclaimer-position")).selectByValue("TOP");
        new Select(browser.element("rule-form:blocked-disclaimer-style")).selectByValue("WARNING");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.click("rule-form:rule-save");
        browser.waitForText("is not an IP address or a network");
        assertThat(browser.text("rule-form:rule-previous-hops-error")).contains("previousHops[1]")
                .contains("'10.0.0.300' is not an IP address or a network in CIDR notation");
        assertThat(names(browser)).containsExactly("default");
        browser.screenshot("rules-02-refused");
        // corrected, it is created after the default rule, which still takes the mail first
        browser.type("rule-form:rule-previous-hops", "127.0.0.0/8");
        browser.click("rule-form:rule-save");
        browser.waitForText("Rule 'partners' created at position 2");
        assertThat(browser.has("rule-form:rule-name")).isFalse();
        assertThat(names(browser)).containsExactly("default", "partners");
        assertThat(browser.text("rules-form:rules:1:rule-filter")).isEqualTo("from hosts 127.0.0.0/8 · senders"
                + " @sender.test · recipients @example.com, !ceo@example.com");
        JsonObject created = rules().getJsonObject(1);
        assertThat(created.getString("coreProfile")).isEqualTo("core");
        assertThat(created.getString("relayProfile")).isEqualTo("downstream");
        assertThat(created.getJsonObject("actions").getString("blocked")).isEqualTo("DELETE_CONTENT");
        assertThat(created.getJsonObject("actions").getString("scanError")).isEqualTo("BYPASS");
        assertThat(created.getString("scanErrorAfter")).isEqualTo("PT2M");
        assertThat(created.getJsonObject("marks").getJsonObject("allowed").getJsonObject("headers")
                .getString("X-Moat-Rule")).isEqualTo("{rule}");
        assertThat(created.getJsonObject("marks").getJsonObject("blocked").getJsonObject("disclaimer").toString())
                .contains("\"position\":\"TOP\"").contains("\"style\":\"WARNING\"");
        browser.screenshot("rules-03-created");

        // the editor opens a stored rule as it is
        browser.click("rules-form:rules:1:rule-edit");
        assertThat(browser.element("rule-form:rule-name").getAttribute("value")).isEqualTo("partners");
        assertThat(browser.element("rule-form:allowed-headers").getAttribute("value")).isEqualTo("X-Moat-Rule:"
                + " {rule}");
        assertThat(new Select(browser.element("rule-form:rule-blocked")).getFirstSelectedOption()
                .getAttribute("value")).isEqualTo("DELETE_CONTENT");
        browser.screenshot("rules-04-editor");
        browser.click("rule-form:rule-cancel");

        // moved up: first on the page and in the API
        assertThat(browser.element("rules-form:rules:0:rule-up").isEnabled()).isFalse();
        browser.click("rules-form:rules:1:rule-up");
        browser.waitForText("Rule 'partners' is now at position 1");
        assertThat(names(browser)).containsExactly("partners", "default");
        assertThat(rules().stream().map(r -> r.asJsonObject().getString("name")).toList()).containsExactly(
                "partners", "default");
        browser.screenshot("rules-05-moved");

        // the default rule disabled: the dry run finds no rule for a recipient the new one excludes, and the gateway
        // refuses it at RCPT
        browser.click("rules-form:rules:1:rule-toggle");
        browser.waitForText("Rule 'default' disabled");
        assertThat(browser.text("rules-form:rules:1:rule-enabled")).isEqualTo("disabled");
        assertThat(rules().getJsonObject(1).getBoolean("enabled")).isFalse();
        new Select(browser.element("dry-run:dry-endpoint")).selectByVisibleText("default");
        browser.type("dry-run:dry-client", "127.0.0.1");
        browser.type("dry-run:dry-sender", "alice@sender.test");
        browser.type("dry-run:dry-recipients", "ann@example.com\nceo@example.com");
        browser.click("dry-run:dry-evaluate");
        browser.element("dry-run:dry-result");
        assertThat(browser.unlabelledFields()).isEmpty();
        assertThat(dryRun(browser)).containsExactly("ann@example.com partners",
                "ceo@example.com none: refused at RCPT (550 5.7.1)");
        JsonObject evaluated = (JsonObject) Api.send("POST", gateway.api("/security-rules/evaluate"), "{\"endpoint\":"
                + " \"default\", \"clientAddress\": \"127.0.0.1\", \"sender\": \"alice@sender.test\", \"recipients\":"
                + " [\"ann@example.com\", \"ceo@example.com\"]}").json();
        assertThat(evaluated.getJsonArray("recipients").getJsonObject(0).getString("rule")).isEqualTo("partners");
        // no rule: "rule" is there, and null
        assertThat(evaluated.getJsonArray("recipients").getJsonObject(1).get("rule")).isEqualTo(JsonValue.NULL);
        browser.screenshot("rules-06-dry-run");
        try (RawSmtp smtp = new RawSmtp(gateway.smtpPort)) {
            assertThat(smtp.reply()).startsWith("220");
            smtp.command("EHLO client.it.test");
            assertThat(smtp.command("MAIL FROM:<alice@sender.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<ceo@example.com>")).startsWith("550 5.7.1");
            assertThat(smtp.command("RCPT TO:<ann@example.com>")).startsWith("250");
        }
        // a client address outside every rule's networks: refused next to the field, or no rule for anyone
        browser.type("dry-run:dry-client", "not-an-address");
        browser.click("dry-run:dry-evaluate");
        browser.waitForText("is not an IP address");
        assertThat(browser.text("dry-run:dry-client-error")).contains("clientAddress");

        // enabled again, the default rule takes what the new one does not
        browser.click("rules-form:rules:1:rule-toggle");
        browser.waitForText("Rule 'default' enabled");
        assertThat(browser.text("rules-form:rules:1:rule-enabled")).isEqualTo("enabled");
        assertThat(rules().getJsonObject(1).getBoolean("enabled")).isTrue();
        browser.type("dry-run:dry-client", "127.0.0.1");
        browser.click("dry-run:dry-evaluate");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> dryRun(browser).equals(List.of(
                "ann@example.com partners", "ceo@example.com default")));

        // mail over SMTP goes by the rules; the message's page shows the rule, what it did and the marks it added
        String subject = "Rules " + UUID.randomUUID();
        String marked = Swaks.send(gateway.smtpPort, "--to", "ann@example.com", "--header", "Subject: " + subject);
        String plain = Swaks.send(gateway.smtpPort, "--to", "ceo@example.com", "--header", "Subject: Plain "
                + subject);
        await().atMost(Duration.ofSeconds(60)).until(() -> "DELIVERED".equals(state(marked))
                && "DELIVERED".equals(state(plain)));
        ReceivedMail delivered = gateway.sink.messages().stream().filter(m -> m.recipients().contains(
                "ann@example.com")).findFirst().orElseThrow();
        String raw = new String(delivered.data(), StandardCharsets.UTF_8);
        assertThat(raw).contains("Subject: [checked] " + subject).contains("X-Moat-Rule: partners");
        browser.open(http + "/message.xhtml?id=" + marked);
        browser.waitForText("Security rule");
        assertThat(browser.text("rule-name")).isEqualTo("partners");
        assertThat(browser.text("rule-direction")).contains("inbound");
        assertThat(browser.text("rule-outcome")).isEqualTo("ALLOWED");
        assertThat(browser.text("rule-action")).isEqualTo("DELIVER");
        assertThat(browser.text("rule-marks")).contains("X-Moat-Rule");
        browser.screenshot("rules-07-message");
        browser.open(http + "/message.xhtml?id=" + plain);
        assertThat(browser.text("rule-name")).isEqualTo("default");
        assertThat(browser.text("rule-marks")).isEqualTo("none");

        // the messages list filters by rule and by outcome, and shows both
        browser.open(http + "/messages.xhtml");
        browser.type("search-rule", "partners");
        new Select(browser.element("search-outcome")).selectByValue("ALLOWED");
        browser.click("search-submit");
        browser.waitForUrl(http + "/messages.xhtml?");
        assertThat(browser.text("found")).contains(subject).doesNotContain("Plain " + subject).contains("partners")
                .contains("ALLOWED");
        assertThat(browser.unlabelledFields()).isEmpty();
        browser.screenshot("rules-08-messages");
        browser.open(http + "/messages.xhtml?outcome=BLOCKED");
        browser.waitForText("No message matches.");

        // the dashboard counts the recipient refused for want of a rule, and nothing bypassed
        browser.open(http + "/index.xhtml");
        assertThat(browser.text("refused-without-rule")).isEqualTo("1");
        assertThat(browser.text("bypassed-last-day")).isEqualTo("0");
        browser.screenshot("rules-09-dashboard");

        // deleted after a second click; the page fits a narrow window
        browser.open(http + "/settings/rules.xhtml");
        browser.click("rules-form:rules:0:rule-delete");
        browser.click("rules-form:rules:0:rule-delete-cancel");
        browser.waitForText("default");
        assertThat(names(browser)).containsExactly("partners", "default");
        browser.driver.manage().window().setSize(new Dimension(420, 800));
        browser.click("rules-form:rule-add");
        browser.element("rule-form:rule-name");
        assertThat(browser.sticksOutSideways()).isEmpty();
        browser.screenshot("rules-10-narrow");
        browser.driver.manage().window().setSize(Browser.DESKTOP);
    }

    private void auditor(Browser auditor, String http) {
        auditor.open(http + "/login.xhtml");
        auditor.type("signin:user", "auditor");
        auditor.type("signin:password", AUDITOR_PASSWORD);
        auditor.click("signin:submit");
        auditor.waitForText("You are signed in as an auditor");
        auditor.open(http + "/settings/rules.xhtml");
        assertThat(names(auditor)).containsExactly("partners", "default");
        assertThat(auditor.has("rules-form:rule-add")).isFalse();
        assertThat(auditor.has("rules-form:rules:0:rule-up")).isFalse();
        assertThat(auditor.has("rules-form:rules:0:rule-toggle")).isFalse();
        auditor.screenshot("rules-11-auditor");
    }

    /** The rules' names in the order the page lists them. */
    private static List<String> names(Browser browser) {
        browser.element("rules-form:rules");
        List<String> names = new ArrayList<>();
        for (int i = 0; browser.has("rules-form:rules:" + i + ":rule-name"); i++) {
            names.add(browser.text("rules-form:rules:" + i + ":rule-name"));
        }
        return names;
    }

    /** The dry run's table, a line per recipient: "address rule". */
    private static List<String> dryRun(Browser browser) {
        return browser.element("dry-run:dry-result").findElements(By.cssSelector("tbody tr")).stream()
                .map(row -> row.getText().replace('\n', ' ')).toList();
    }

    private JsonArray rules() {
        Api.Answer answer = Api.get(gateway.api("/security-rules"), TestBed.ADMIN_PASSWORD, true);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return (JsonArray) answer.json();
    }

    private String state(String queueId) {
        Api.Answer answer = Api.get(gateway.api("/messages/" + queueId), TestBed.ADMIN_PASSWORD, true);
        return answer.status() == 200 ? ((JsonObject) answer.json()).getString("state") : null;
    }
}
