package io.moat.delivery.quarantine;

import io.moat.core.CoreClient;
import io.moat.core.CoreRejectedException;
import io.moat.core.CoreUnavailableException;
import io.moat.core.SubmitOptions;
import io.moat.delivery.commit.Spool;
import io.moat.delivery.pipeline.MessageIds;
import io.moat.mime.AttachmentExtractor;
import io.moat.mime.MimeLimits;
import io.moat.persistence.MessageSpool;
import io.moat.persistence.MessageState;
import io.moat.settings.GatewaySettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.profiles.ScanServers;
import io.moat.settings.rules.SecurityRules;
import io.moat.smtp.api.Mailboxes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Carries out the quarantine's actions: the work on files and with Core outside any transaction, then the record in
 * one ({@link QuarantineLedger}). A password given for a rescan is sent to Core with its part and forgotten: it is
 * never written to the database, the spool, the log or the action's record (which names the parts only).
 */
@ApplicationScoped
public class QuarantineDesk {

    private static final Logger LOG = Logger.getLogger(QuarantineDesk.class.getName());
    /**
     * An address as a forward's target takes it: printable ASCII (the copy is not sent with SMTPUTF8), no brackets,
     * one @, at most RFC 5321's 64 octets of local part and 254 in all.
     */
    private static final Pattern ADDRESS = Pattern.compile("[!#-'*-+\\-/-9=?A-Z^-~.]{1,64}@[A-Za-z0-9.\\-]{1,189}");
    private static final int MAX_PASSWORD_LENGTH = 1024;

    @Inject
    QuarantineLedger ledger;

    @Inject
    Spool spool;

    @Inject
    ScanServers core;

    @Inject
    SecurityRules rules;

    @Inject
    GatewaySettings settings;

    /**
     * Releases the message, delivered as it came, to all its recipients ({@code recipients} empty or null) or to
     * those named, who then leave the quarantined message (a copy of their own goes).
     *
     * @return the id of the message that goes out: {@code id} itself, or the copy's
     */
    public String release(String id, List<String> recipients, String actor, String address) {
        QuarantineLedger.Held held = ledger.held(id);
        List<String> chosen = chosen(held, recipients);
        if (chosen.size() == held.pendingRecipients().size()) {
            ledger.releaseAll(held, actor, address, Instant.now());
            LOG.info(() -> "message " + id + " released from the quarantine by " + actor + " (" + address + ")");
            return id;
        }
        String copy = copy(held, chosen, false, actor, address);
        LOG.info(() -> "message " + id + " released from the quarantine to " + chosen + " by " + actor + " ("
                + address + ") as message " + copy);
        return copy;
    }

    /** Sends a copy of the message, as it came, to {@code to} from the null sender; the message stays held. */
    public String forward(String id, String to, String actor, String address) {
        if (to == null || !ADDRESS.matcher(to.strip()).matches()) {
            throw new RefusedException(Reason.INVALID, "to: '" + to + "' is not a mail address such as"
                    + " analyst@example.com");
        }
        QuarantineLedger.Held held = ledger.held(id);
        String copy = copy(held, List.of(to.strip()), true, actor, address);
        LOG.info(() -> "quarantined message " + id + " forwarded to <" + to.strip() + "> by " + actor + " ("
                + address + ") as message " + copy);
        return copy;
    }

    /**
     * An admin's rescan: the message again under {@code ruleName} (null: its own rule), each encrypted part named in
     * {@code passwords} (by file name) sent to Core with its password at once, every other part by the pipeline.
     * The passwords' arrays are cleared before this returns, whatever happens.
     *
     * @param maxPasswordRescans how many rescans with passwords admins may have made of the message before this one
     */
    public void rescan(String id, Map<String, char[]> passwords, String ruleName, String actor, String address,
            int maxPasswordRescans) {
        Map<String, char[]> given = passwords == null ? Map.of() : passwords;
        try {
            if (!given.isEmpty() && ledger.passwordRescans(id) >= maxPasswordRescans) {
                throw new RefusedException(Reason.CONFLICT, "message " + id + " was rescanned with passwords "
                        + maxPasswordRescans + " times already; release or delete it instead");
            }
            rescan(id, given, ruleName, null, given.isEmpty()
                    ? QuarantineLedger.Action.RESCAN
                    : QuarantineLedger.Action.RESCAN_WITH_PASSWORDS, actor, address);
        } finally {
            given.values().forEach(p -> Arrays.fill(p, '\0'));
        }
    }

    /**
     * A recipient's rescan through a link: only while the message is held for a password, under its own rule; the
     * link counts the tries. The arrays are cleared before this returns.
     */
    public void rescanViaLink(String id, Map<String, char[]> passwords, String actor, String address) {
        try {
            rescan(id, passwords, null, MessageState.PASSWORD_REQUIRED, QuarantineLedger.Action.RESCAN_VIA_LINK,
                    actor, address);
        } finally {
            passwords.values().forEach(p -> Arrays.fill(p, '\0'));
        }
    }

    private void rescan(String id, Map<String, char[]> given, String ruleName, MessageState required,
            QuarantineLedger.Action action, String actor, String address) {
        QuarantineLedger.Held held = ledger.reserve(id, required, Instant.now());
        boolean recorded = false;
        try {
            SecurityRules.Applied rule = rule(held, ruleName);
            List<QuarantineLedger.Part> protectedParts = protectedParts(held, given.keySet());
            Map<Integer, String> submitted = Map.of();
            if (!held.parts().isEmpty()) {
                Path parts = spool.get().partsOf(held.spoolName());
                try {
                    extract(held, parts);
                    submitted = submit(rule, parts, protectedParts, given);
                } catch (IOException | RuntimeException e) {
                    throw e instanceof RefusedException r
                            ? r
                            : new RefusedException(Reason.NOT_APPLIED,
                                    "message " + id + " could not be rescanned: " + failure(e), e);
                }
            }
            Set<String> names = new TreeSet<>();
            protectedParts.forEach(p -> names.add(p.fileName()));
            String detail = (names.isEmpty() ? "" : "passwords for " + String.join(", ", names) + "; ")
                    + "rule " + rule.name();
            ledger.rescanning(held, rule, submitted, detail, action, actor, address, Instant.now());
            recorded = true;
            LOG.info(() -> "quarantined message " + id + " is scanned again at the request of " + actor + " ("
                    + address + "): " + detail);
        } finally {
            if (!recorded) {
                deleteParts(held);
                try {
                    ledger.giveUp(held);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "message " + id + ": the rescan's hold could not be given up; it runs out"
                            + " by itself", e);
                }
            }
        }
    }

    /** The stored message as it came, for an admin to download; the download is recorded. */
    public InputStream download(String id, String actor, String address) throws IOException {
        QuarantineLedger.Held held = ledger.held(id);
        InputStream in = Files.newInputStream(spool.get().message(held.spoolName()));
        ledger.downloaded(held, actor, address, Instant.now());
        LOG.info(() -> "quarantined message " + id + " downloaded by " + actor + " (" + address + ")");
        return in;
    }

    /** Takes the message out of the quarantine for good and removes its files. */
    public void delete(String id, String actor, String address) {
        QuarantineLedger.Held held = ledger.held(id);
        ledger.deleted(held, actor, address, Instant.now());
        try {
            spool.get().delete(held.spoolName());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "quarantined message " + id + " was deleted but its spool files could not be"
                    + " removed (remove " + held.spoolName() + " from the spool by hand)", e);
        }
        LOG.info(() -> "quarantined message " + id + " deleted by " + actor + " (" + address + ")");
    }

    /** The recipients an admin chose: each one of the message's own, none twice; all of them if none is named. */
    private static List<String> chosen(QuarantineLedger.Held held, List<String> recipients) {
        if (recipients == null || recipients.isEmpty()) {
            return held.pendingRecipients();
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String wanted : recipients) {
            String given = wanted == null ? "" : wanted.strip();
            // the mailbox as SMTP compares it (local part exact); else the one held recipient it names in any case
            List<String> exact = held.pendingRecipients().stream().filter(r -> Mailboxes.same(r, given)).toList();
            List<String> loose = held.pendingRecipients().stream().filter(r -> r.equalsIgnoreCase(given)).toList();
            List<String> match = !exact.isEmpty() ? exact : loose;
            if (match.size() != 1) {
                throw new RefusedException(Reason.INVALID, "recipients: '" + wanted + "' " + (match.isEmpty()
                        ? "is not a recipient of message " + held.id() + " still held"
                        : "names several held recipients that differ only in case; give one exactly")
                        + "; its held recipients are " + held.pendingRecipients());
            }
            chosen.add(match.get(0));
        }
        return List.copyOf(chosen);
    }

    private String copy(QuarantineLedger.Held held, List<String> recipients, boolean forward, String actor,
            String address) {
        MessageSpool files = spool.get();
        String copyId = MessageIds.next();
        MessageSpool.Stored stored;
        try (InputStream in = Files.newInputStream(files.message(held.spoolName()))) {
            stored = files.store(copyId, new byte[0], in);
            files.syncDirectory();
        } catch (IOException e) {
            throw new RefusedException(Reason.NOT_APPLIED, "message " + held.id() + " could not be copied in the"
                    + " spool: " + e.getMessage() + " (is the disk full?)", e);
        }
        try {
            return ledger.copied(held, stored.name(), stored.size(), recipients, forward, actor, address,
                    Instant.now());
        } catch (RuntimeException e) {
            try {
                files.delete(stored.name());
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private SecurityRules.Applied rule(QuarantineLedger.Held held, String ruleName) {
        if (ruleName == null || ruleName.isBlank()) {
            return rules.applied(held.ruleId(), held.ruleName());
        }
        return rules.named(ruleName.strip()).orElseThrow(() -> new RefusedException(Reason.INVALID,
                "rule: no security rule is named '" + ruleName + "'"));
    }

    /** The encrypted parts each given password is for; a name that is none of them is refused, naming it. */
    private static List<QuarantineLedger.Part> protectedParts(QuarantineLedger.Held held, Set<String> names) {
        List<QuarantineLedger.Part> parts = new ArrayList<>();
        for (String name : names) {
            List<QuarantineLedger.Part> named = held.parts().stream()
                    .filter(p -> p.encrypted() && name.equals(p.fileName())).toList();
            if (named.isEmpty()) {
                throw new RefusedException(Reason.INVALID, "passwords." + name + ": message " + held.id()
                        + " has no encrypted attachment of that name; encrypted are " + held.parts().stream()
                                .filter(QuarantineLedger.Part::encrypted).map(QuarantineLedger.Part::fileName)
                                .toList());
            }
            parts.addAll(named);
        }
        return parts;
    }

    /** Decodes the message's parts into its parts folder again, where the pipeline's scan reads them. */
    private void extract(QuarantineLedger.Held held, Path parts) throws IOException {
        MimeLimits limits = new MimeLimits(settings.mimeMaxParts(), settings.mimeMaxDepth(),
                settings.mimeMaxHeaderBytes(), settings.mimeMaxDecodedBytes());
        AttachmentExtractor.Extraction extraction = AttachmentExtractor.extract(
                spool.get().message(held.spoolName()), parts, 0, limits);
        extraction.keep(parts);
        Map<Integer, String> found = new HashMap<>();
        extraction.attachments().forEach(a -> found.put(a.index(), a.partName()));
        if (found.size() != held.parts().size()) {
            // a part not recorded would never be scanned: refuse rather than let it through
            throw new IOException("the message now has " + found.size() + " parts, " + held.parts().size()
                    + " were recorded");
        }
        for (QuarantineLedger.Part p : held.parts()) {
            if (p.partName() != null && !p.partName().equals(found.get(p.index()))
                    && !"UNINSPECTED".equals(p.category())) {
                throw new IOException("the message's parts are not those recorded (part " + p.index() + ")");
            }
        }
    }

    /** Sends each protected part to Core with its password; returns the data_id of each, by part index. */
    private Map<Integer, String> submit(SecurityRules.Applied rule, Path parts,
            List<QuarantineLedger.Part> protectedParts,
            Map<String, char[]> passwords) throws IOException {
        Map<Integer, String> submitted = new HashMap<>();
        if (protectedParts.isEmpty()) {
            return submitted;
        }
        CoreClient client = core.coreClient(rule.coreProfileId(), rule.coreRule());
        for (QuarantineLedger.Part p : protectedParts) {
            char[] password = passwords.get(p.fileName());
            if (password.length == 0 || password.length > MAX_PASSWORD_LENGTH) {
                throw new RefusedException(Reason.INVALID, "passwords." + p.fileName() + ": give 1 to "
                        + MAX_PASSWORD_LENGTH + " characters");
            }
            try {
                submitted.put(p.index(), client.submit(parts.resolve(p.partName()), p.fileName(),
                        new SubmitOptions(null, List.of(new String(password)))));
            } catch (CoreUnavailableException | CoreRejectedException e) {
                throw new RefusedException(Reason.NOT_APPLIED, "Core did not take " + p.fileName() + " for a rescan"
                        + " (" + e.getClass().getSimpleName() + "); try again later", e);
            }
        }
        return submitted;
    }

    private void deleteParts(QuarantineLedger.Held held) {
        try {
            spool.get().deleteParts(held.spoolName());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "could not remove the decoded parts of message " + held.id() + " (harmless)", e);
        }
    }

    private static String failure(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(Locale.ROOT);
    }
}
