package io.moat.settings.notifications;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.settings.RefusedException;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Kind;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class NotificationChecksTest {

    @Test
    void nothingGivenMeansPostmasterOfThisHostNoAdminsNoDigestAndTheDefaultTemplates() {
        assertThat(NotificationChecks.from(null, "gw.example.org")).isEqualTo("postmaster@gw.example.org");
        assertThat(NotificationChecks.from(" ", "gw.example.org")).isEqualTo("postmaster@gw.example.org");
        assertThat(NotificationChecks.admins(null)).isEmpty();
        assertThat(NotificationChecks.adminOutcomes(null)).containsExactly(AdminOutcome.BLOCKED,
                AdminOutcome.SCAN_ERROR, AdminOutcome.UNINSPECTED, AdminOutcome.PROCESSING_FAILED);
        assertThat(NotificationChecks.digestMinutes(null)).isZero();
        Templates templates = NotificationChecks.templates(null);
        for (Kind kind : Kind.values()) {
            assertThat(templates.of(kind)).isEqualTo(NotificationChecks.defaults(kind));
        }
    }

    @Test
    void theDefaultTemplatesPassTheirOwnChecksAndOnlyTheRecipientsOffersTheLink() {
        for (Kind kind : Kind.values()) {
            Template d = NotificationChecks.defaults(kind);
            assertThat(NotificationChecks.templates(new Templates(d, d, d)).of(kind)).isEqualTo(d);
            assertThat(d.subject().length()).isLessThanOrEqualTo(NotificationChecks.MAX_SUBJECT);
        }
        assertThat(NotificationChecks.defaults(Kind.RECIPIENT).text()).contains("{link}").contains("{expiry}");
        assertThat(NotificationChecks.defaults(Kind.RECIPIENT).html()).contains("href=\"{link}\"");
        assertThat(NotificationChecks.defaults(Kind.SENDER).text()).doesNotContain("{link}");
        assertThat(NotificationChecks.defaults(Kind.ADMIN).text()).doesNotContain("{link}");
    }

    @Test
    void aTemplateFieldNotGivenTakesItsDefaultAndAGivenOneIsKept() {
        Templates t = NotificationChecks.templates(new Templates(new Template("Held: {subject}", null, " "), null,
                null));
        assertThat(t.recipient().subject()).isEqualTo("Held: {subject}");
        assertThat(t.recipient().text()).isEqualTo(NotificationChecks.defaults(Kind.RECIPIENT).text());
        assertThat(t.recipient().html()).isEqualTo(NotificationChecks.defaults(Kind.RECIPIENT).html());
        assertThat(t.sender()).isEqualTo(NotificationChecks.defaults(Kind.SENDER));
    }

    @Test
    void addressesAreCheckedAndTheirDomainLowerCased() {
        assertThat(NotificationChecks.address(" Security.Team+x@Example.ORG ", "from"))
                .isEqualTo("Security.Team+x@example.org");
        for (String bad : Arrays.asList(null, "", "nobody", "@example.org", "a@", "a b@example.org",
                "a@exa mple.org", "<a@example.org>", "a@example.org\r\nBcc: x@evil.test", "a..b@example.org",
                ".a@example.org", "j\u00f6rg@example.org", "a@-example.org", "x".repeat(65) + "@example.org",
                "a@" + "b".repeat(250) + ".org")) {
            assertRefused(() -> NotificationChecks.address(bad, "admins[3]"), "admins[3]");
        }
    }

    @Test
    void theAdminsAreBoundedEachNamedInItsRefusalAndTakenOnce() {
        assertThat(NotificationChecks.admins(List.of("sec@example.org", "SEC@Example.org", "ops@example.org")))
                .containsExactly("sec@example.org", "ops@example.org");
        assertRefused(() -> NotificationChecks.admins(List.of("sec@example.org", "not an address")), "admins[1]");
        assertRefused(() -> NotificationChecks.admins(Collections.nCopies(101, "a@example.org")), "admins:");
    }

    @Test
    void adminOutcomesAreKeptInTheirOrderOnceAndMayBeNone() {
        assertThat(NotificationChecks.adminOutcomes(List.of(AdminOutcome.PROCESSING_FAILED, AdminOutcome.ENCRYPTED,
                AdminOutcome.ENCRYPTED))).containsExactly(AdminOutcome.ENCRYPTED, AdminOutcome.PROCESSING_FAILED);
        assertThat(NotificationChecks.adminOutcomes(List.of())).isEmpty();
        assertRefused(() -> NotificationChecks.adminOutcomes(Arrays.asList(AdminOutcome.BLOCKED, null)),
                "adminOutcomes[1]");
    }

    @Test
    void theDigestWindowIsZeroToADay() {
        assertThat(NotificationChecks.digestMinutes(1440)).isEqualTo(1440);
        assertRefused(() -> NotificationChecks.digestMinutes(-1), "digestMinutes");
        assertRefused(() -> NotificationChecks.digestMinutes(1441), "digestMinutes");
    }

    @Test
    void aTemplateMayUseOnlyTheKnownPlaceholdersAndCssBracesAreNoPlaceholders() {
        assertRefused(() -> NotificationChecks.templates(new Templates(null, new Template(null, "Hi {name}", null),
                null)), "templates.sender.text: unknown placeholder {name}");
        assertRefused(() -> NotificationChecks.templates(new Templates(null, null, new Template("{password}", null,
                null))), "templates.admin.subject");
        // the subject is kept in the message list: a rescan link there would sit in the database
        assertRefused(() -> NotificationChecks.templates(new Templates(new Template("Open {link}", null, null), null,
                null)), "templates.recipient.subject: {link} may not be in a subject");
        Templates css = NotificationChecks.templates(new Templates(new Template(null, null,
                "<style>p { color: red }</style><p>{subject} from {sender}, {receivedAt}: {link} {expiry} {id}"
                        + " {rule} {reason} {attachments} {recipient}</p>"),
                null, null));
        assertThat(css.recipient().html()).startsWith("<style>p { color: red }</style>");
    }

    @Test
    void templatesAreBoundedAndTheSubjectIsOneLine() {
        assertRefused(() -> NotificationChecks.templates(new Templates(new Template("Held\r\nBcc: x@evil.test", null,
                null), null, null)), "templates.recipient.subject");
        assertRefused(() -> NotificationChecks.templates(new Templates(new Template("x".repeat(201), null, null),
                null, null)), "templates.recipient.subject");
        assertRefused(() -> NotificationChecks.templates(new Templates(null, new Template(null, "x".repeat(16385),
                null), null)), "templates.sender.text");
        assertRefused(() -> NotificationChecks.templates(new Templates(null, null, new Template(null, null,
                "x".repeat(65537)))), "templates.admin.html");
    }

    private static void assertRefused(ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOf(RefusedException.class).hasMessageContaining(field)
                .satisfies(e -> assertThat(((RefusedException) e).reason()).isEqualTo(RefusedException.Reason.INVALID));
    }
}
