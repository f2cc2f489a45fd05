package io.moat.delivery.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageKind;
import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.notifications.NotificationSettings;
import io.moat.settings.notifications.NotificationSettings.AdminOutcome;
import io.moat.settings.notifications.NotificationSettings.Template;
import io.moat.settings.notifications.NotificationSettings.Templates;
import io.moat.settings.notifications.NotificationSettingsService;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierTest {

    private static final Template T = new Template("{subject}", "{subject} {link} {expiry}", "<p>{subject}</p>");
    private static final Instant RECEIVED = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path data;

    private MessageSpool spool;
    private Notifier notifier;
    private NotificationSettings settings;
    private String relayProfileId;
    private final List<String> linksAskedFor = new ArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final Supplier<String> nextId = () -> "n" + ids.incrementAndGet();

    @BeforeEach
    void wire() {
        spool = new MessageSpool(data);
        settings = settings(true, false, List.of(), 0);
        notifier = new Notifier();
        notifier.settings = new NotificationSettingsService() {
            @Override
            public Applied applied() {
                return new Applied(settings, relayProfileId);
            }
        };
        notifier.links = (messageId, recipient) -> {
            linksAskedFor.add(recipient);
            return Optional.of(new RescanLinks.Link(URI.create("https://gw.test/rescan/" + recipient.charAt(0)),
                    RECEIVED.plusSeconds(7 * 86400)));
        };
        notifier.gateway = new GatewaySettings() {
            @Override
            public synchronized String hostName() {
                return "gw.test";
            }
        };
    }

    @Test
    void byDefaultEachRecipientIsToldInANoticeOfItsOwnAndNobodyElse() throws Exception {
        Notices notices = notifier.held(held(MessageState.BLOCKED, "alice@sender.test", "bob@example.org",
                "carol@example.org"), spool, nextId);

        assertThat(notices.digestEvents()).isEmpty();
        assertThat(notices.mails()).extracting(Notification::recipients)
                .containsExactly(List.of("bob@example.org"), List.of("carol@example.org"));
        Notification first = notices.mails().get(0);
        assertThat(first.about()).isEqualTo("recipient notice about message m-1");
        assertThat(first.size()).isEqualTo(Files.size(spool.message(first.id())));
        MimeMessage mail = parse(spool.message(first.id()));
        assertThat(mail.getSubject()).isEqualTo("Invoice");
        assertThat(mail.getHeader("X-Moat-Notification", null)).isEqualTo("recipient");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("postmaster@gw.test");
        assertThat(linksAskedFor).as("no link: not held for a password").isEmpty();
    }

    @Test
    void theRecordIsAQueuedNotificationFromTheNullSenderThroughItsRelayProfile() throws Exception {
        relayProfileId = "profile-n";
        Notification mail = notifier.held(held(MessageState.BLOCKED, "alice@sender.test", "bob@example.org"),
                spool, nextId).mails().get(0);
        MessageEntity record = mail.record(RECEIVED);
        assertThat(record.getKind()).isEqualTo(MessageKind.NOTIFICATION);
        assertThat(record.getState()).isEqualTo(MessageState.QUEUED);
        assertThat(record.getMailFrom()).isEmpty();
        assertThat(record.getRecipients()).containsExactly("bob@example.org");
        assertThat(record.getRelayProfile()).isEqualTo("profile-n");
        assertThat(record.getSubject()).isEqualTo("Invoice");
        assertThat(record.getScanSummary()).isEqualTo("recipient notice about message m-1; not scanned");
    }

    @Test
    void aMessageHeldForAPasswordGivesEachRecipientItsOwnLink() throws Exception {
        Notices notices = notifier.held(held(MessageState.PASSWORD_REQUIRED, "alice@sender.test", "bob@example.org",
                "carol@example.org"), spool, nextId);
        assertThat(linksAskedFor).containsExactly("bob@example.org", "carol@example.org");
        String text = text(notices.mails().get(1));
        assertThat(text).contains("https://gw.test/rescan/c").contains("2026-12-14 10:00 UTC");
    }

    @Test
    void theSenderIsToldOnlyWhenAskedAndNeverTheNullSender() throws Exception {
        settings = settings(false, true, List.of(), 0);
        Notices told = notifier.held(held(MessageState.BLOCKED, "alice@sender.test", "bob@example.org"), spool,
                nextId);
        assertThat(told.mails()).singleElement().satisfies(n -> {
            assertThat(n.recipients()).containsExactly("alice@sender.test");
            assertThat(n.about()).startsWith("sender notice");
        });
        assertThat(notifier.held(held(MessageState.BLOCKED, "", "bob@example.org"), spool, nextId).isEmpty())
                .isTrue();
    }

    @Test
    void theAdminsAreToldInOneMailOfTheOutcomesTheyAskedFor() throws Exception {
        settings = settings(false, false, List.of("sec@example.org", "ops@example.org"), 0);
        Notices blocked = notifier.held(held(MessageState.BLOCKED, "alice@sender.test", "bob@example.org"), spool,
                nextId);
        assertThat(blocked.mails()).singleElement().extracting(Notification::recipients)
                .isEqualTo(List.of("sec@example.org", "ops@example.org"));
        Held encrypted = new Held("m-2", MessageKind.INBOUND, MessageState.PASSWORD_REQUIRED, "alice@sender.test",
                List.of("bob@example.org"), "Invoice", "default", null, AdminOutcome.ENCRYPTED, "password required",
                RECEIVED, List.of());
        assertThat(notifier.held(encrypted, spool, nextId).isEmpty()).as("ENCRYPTED is not asked for").isTrue();
    }

    @Test
    void withADigestTheAdminsEventIsKeptInsteadOfMailed() throws Exception {
        settings = settings(false, false, List.of("sec@example.org"), 5);
        Notices notices = notifier.held(held(MessageState.BLOCKED, "alice@sender.test", "bob@example.org"), spool,
                nextId);
        assertThat(notices.mails()).isEmpty();
        assertThat(notices.digestEvents()).singleElement().satisfies(e -> {
            assertThat(e.messageId()).isEqualTo("m-1");
            assertThat(Values.fromJson(e.values().json())).isEqualTo(e.values());
            assertThat(e.values().attachments()).isEqualTo("eicar.com");
        });
    }

    @Test
    void aFailedMessageIsToldToTheAdminsOnlyAndAMessageOfOursToNobody() throws Exception {
        settings = settings(true, true, List.of("sec@example.org"), 0);
        Held failed = new Held("m-3", MessageKind.INBOUND, MessageState.FAILED, "alice@sender.test",
                List.of("bob@example.org"), "x", "default", null, AdminOutcome.SCAN_ERROR, "scan failed", RECEIVED,
                List.of());
        assertThat(notifier.held(failed, spool, nextId).mails()).singleElement().extracting(Notification::about)
                .asString().startsWith("admin notice");
        for (MessageKind own : List.of(MessageKind.DSN, MessageKind.NOTIFICATION)) {
            Held ours = new Held("m-4", own, MessageState.QUARANTINED, "", List.of("bob@example.org"), "x", null,
                    null, AdminOutcome.PROCESSING_FAILED, "set aside", RECEIVED, List.of());
            assertThat(notifier.held(ours, spool, nextId).isEmpty()).as(own.name()).isTrue();
        }
    }

    @Test
    void theSettingsRelayProfileComesBeforeTheRulesAndTheRulesBeforeRoutingByDomain() throws Exception {
        Held viaRule = new Held("m-5", MessageKind.INBOUND, MessageState.BLOCKED, "a@sender.test",
                List.of("bob@example.org"), "x", "inbound", "rule-profile", AdminOutcome.BLOCKED, "blocked", RECEIVED,
                List.of());
        assertThat(notifier.held(viaRule, spool, nextId).mails().get(0).relayProfileId()).isEqualTo("rule-profile");
        relayProfileId = "chosen";
        assertThat(notifier.held(viaRule, spool, nextId).mails().get(0).relayProfileId()).isEqualTo("chosen");
    }

    @Test
    void whenOneNoticeCannotBeWrittenNoneIsLeftInTheSpool() throws Exception {
        Supplier<String> failing = () -> {
            if (ids.incrementAndGet() > 1) {
                throw new IllegalStateException("no more ids");
            }
            return "n" + ids.get();
        };
        assertThatThrownBy(() -> notifier.held(held(MessageState.BLOCKED, "a@sender.test", "bob@example.org",
                "carol@example.org"), spool, failing)).isInstanceOf(IllegalStateException.class);
        assertThat(spool.storedNames()).isEmpty();
    }

    private static Held held(MessageState state, String sender, String... recipients) {
        return new Held("m-1", MessageKind.INBOUND, state, sender, List.of(recipients), "Invoice", "default", null,
                state == MessageState.PASSWORD_REQUIRED ? AdminOutcome.ENCRYPTED : AdminOutcome.BLOCKED,
                "blocked: eicar.com (Infected)", RECEIVED, List.of("eicar.com"));
    }

    private static NotificationSettings settings(boolean recipient, boolean sender, List<String> admins,
            int digestMinutes) {
        return new NotificationSettings("postmaster@gw.test", recipient, sender, admins,
                List.of(AdminOutcome.BLOCKED, AdminOutcome.SCAN_ERROR), digestMinutes, null, new Templates(T, T, T));
    }

    private String text(Notification n) throws Exception {
        return ((jakarta.mail.Multipart) parse(spool.message(n.id())).getContent()).getBodyPart(0).getContent()
                .toString();
    }

    private static MimeMessage parse(Path file) throws IOException, jakarta.mail.MessagingException {
        try (InputStream in = Files.newInputStream(file)) {
            return new MimeMessage(Session.getInstance(new Properties()), in);
        }
    }
}
