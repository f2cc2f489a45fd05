package io.moat.web.rescan;

import static org.assertj.core.api.Assertions.assertThat;

import io.moat.delivery.PublicRescan.Answer;
import io.moat.delivery.PublicRescan.HeldMessage;
import io.moat.delivery.PublicRescan.Outcome;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class RescanPageHtmlTest {

    private static final String TOKEN = "A".repeat(43);
    private static final Function<Instant, String> TIME = i -> "2026-12-07 09:30:00 UTC";
    private static final HeldMessage MESSAGE = new HeldMessage("alice@sender.test", "Board minutes",
            Instant.parse("2026-12-07T09:30:00Z"), List.of("minutes.zip", "plans.7z"));

    @Test
    void thePageAsksForAPasswordPerProtectedAttachmentInLabelledFieldsThatRememberNothing() {
        String html = RescanPageHtml.page(new Answer(Outcome.ASK_PASSWORDS, MESSAGE, null, 5), TOKEN, TIME);

        assertThat(html).contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .contains("href=\"jakarta.faces.resource/console.css.xhtml?ln=moat\"")
                .contains("<dd id=\"sender\">alice@sender.test</dd>").contains("<dd id=\"subject\">Board minutes</dd>")
                .contains("<dd id=\"received\">2026-12-07 09:30:00 UTC</dd>")
                .contains("<form id=\"rescan\" method=\"post\" action=\"rescan\" autocomplete=\"off\">")
                .contains("<input type=\"hidden\" name=\"t\" value=\"" + TOKEN + "\">")
                .contains("<label for=\"password-0\">Password for <span class=\"mono\">minutes.zip</span></label>"
                        + "<input type=\"password\" id=\"password-0\" name=\"password-0\" autocomplete=\"off\" required")
                .contains("<label for=\"password-1\">Password for <span class=\"mono\">plans.7z</span></label>")
                .contains("You may try 5 passwords with this link.").contains("id=\"submit\"")
                .doesNotContain("value=\"\"").doesNotContain("<script").doesNotContain("http");
        // fields in reading order: the first password field first, the button last
        assertThat(html.indexOf("password-0")).isLessThan(html.indexOf("password-1"));
        assertThat(html.indexOf("password-1")).isLessThan(html.indexOf("id=\"submit\""));
    }

    @Test
    void whatTheSenderWroteIsEscapedEverywhere() {
        HeldMessage hostile = new HeldMessage("\"><script>alert(1)</script>@x.test", "<img src=x onerror=alert(2)>",
                Instant.EPOCH, List.of("a\"onfocus=\"alert(3).zip"));
        String html = RescanPageHtml.page(new Answer(Outcome.WRONG_PASSWORD, hostile, "<b>a</b>.zip", 2), TOKEN,
                TIME);

        assertThat(html).doesNotContain("<script").doesNotContain("<img").doesNotContain("<b>")
                .doesNotContain("\"onfocus").contains("&lt;img src=x onerror=alert(2)&gt;")
                .contains("a&quot;onfocus=&quot;alert(3).zip").contains("&quot;&gt;&lt;script&gt;");
        assertThat(RescanPageHtml.page(new Answer(Outcome.ASK_PASSWORDS, MESSAGE, null, 1), "\"><x", TIME))
                .contains("value=\"&quot;&gt;&lt;x\"");
    }

    @Test
    void eachResultIsSaidInALiveRegionAndTheFormComesBackOnlyWhilePasswordsHelp() {
        String wrong = RescanPageHtml.page(new Answer(Outcome.WRONG_PASSWORD, MESSAGE, "minutes.zip", 2), TOKEN, TIME);
        assertThat(wrong).contains("role=\"alert\"").contains("Wrong password").contains("it did not open minutes.zip")
                .contains("You may try 2 passwords").contains("id=\"password-0\"");
        String last = RescanPageHtml.page(new Answer(Outcome.WRONG_PASSWORD, MESSAGE, "minutes.zip", 0), TOKEN, TIME);
        assertThat(last).contains("takes no more passwords").doesNotContain("<form");

        String delivered = RescanPageHtml.page(new Answer(Outcome.DELIVERED, MESSAGE, null, 0), TOKEN, TIME);
        assertThat(delivered).contains("role=\"status\"").contains("Delivered").doesNotContain("<form")
                .doesNotContain(TOKEN);
        String blocked = RescanPageHtml.page(new Answer(Outcome.STILL_BLOCKED, MESSAGE,
                "a threat was found in minutes.zip (Infected)", 0), TOKEN, TIME);
        assertThat(blocked).contains("role=\"alert\"").contains("Still blocked:</strong> a threat was found in"
                + " minutes.zip (Infected)").doesNotContain("<form");
        assertThat(RescanPageHtml.page(new Answer(Outcome.STILL_SCANNING, MESSAGE, null, 3), TOKEN, TIME))
                .contains("Still being scanned").doesNotContain("<form");
        assertThat(RescanPageHtml.page(new Answer(Outcome.TRY_LATER, MESSAGE, null, 3), TOKEN, TIME))
                .contains("could not scan").contains("<form");
    }

    @Test
    void aLinkThatIsNotValidShowsNothingOfAnyMessage() {
        String html = RescanPageHtml.page(new Answer(Outcome.NOT_VALID, null, null, 0), TOKEN, TIME);

        assertThat(html).contains("This link is not valid (any more)").doesNotContain("<form").doesNotContain("<dl")
                .doesNotContain(TOKEN);
        assertThat(RescanPageHtml.tooMany(600)).contains("role=\"alert\"").contains("Try again in 10 minutes");
    }
}
