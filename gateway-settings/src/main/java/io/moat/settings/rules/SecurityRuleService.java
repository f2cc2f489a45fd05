package io.moat.settings.rules;

import io.moat.persistence.SecurityRuleEntity;
import io.moat.persistence.SecurityRuleRepository;
import io.moat.settings.ChangesSettings;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import io.moat.settings.SettingNames;
import io.moat.settings.SnapshotCache;
import io.moat.settings.profiles.ProfileUsage;
import io.moat.settings.profiles.ServerProfile.Type;
import io.moat.settings.profiles.ServerProfileService;
import io.moat.settings.rules.SecurityRule.Actions;
import io.moat.smtp.api.Cidr;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Settings &gt; Security rules: stored in their order, kept contiguous (1..n); the first enabled rule whose filter
 * takes a recipient decides for it. The rules are read once per change for the hot path (RCPT and the pipeline).
 */
@ApplicationScoped
@Transactional
public class SecurityRuleService implements SecurityRules, ProfileUsage {

    private static final Logger LOG = Logger.getLogger(SecurityRuleService.class.getName());
    static final int MAX_RULES = 500;

    @Inject
    SecurityRuleRepository repository;

    @Inject
    ServerProfileService profiles;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /** The rules as last read, compiled; null: read again. */
    private final SnapshotCache<List<Compiled>> snapshot = new SnapshotCache<>(
            () -> repository.list().stream().map(RuleCompiler::compile).toList());
    private final AtomicLong refusedRecipients = new AtomicLong();
    /** The length of the column that stores a rule's definition (V13). */
    static final int MAX_DEFINITION = 200_000;

    /** A rule made quick to match. */
    private record Compiled(SecurityRuleEntity entity, boolean enabled, Set<String> endpoints, List<Cidr> hops,
            AddressPatterns senders, AddressPatterns recipients, Applied applied) {
    }

    /** One recipient of a dry run and the rule that takes it (null: none, refused at RCPT). */
    public record Evaluation(String address, String rule) {
    }

    /** Another node changed the rules: read them again (SettingsWatcher). */
    public void refresh() {
        snapshot.clear();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<SecurityRule> list() {
        return repository.list().stream().map(this::rule).toList();
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<SecurityRule> find(String id) {
        return repository.find(id).map(this::rule);
    }

    @ChangesSettings
    public synchronized SecurityRule create(SecurityRule input) {
        List<SecurityRuleEntity> all = new ArrayList<>(repository.list());
        if (all.size() >= MAX_RULES) {
            throw SettingNames.invalid("at most " + MAX_RULES + " security rules");
        }
        SecurityRuleEntity entity = new SecurityRuleEntity(UUID.randomUUID().toString(), Instant.now());
        store(entity, input, all, true);
        repository.add(entity);
        place(all, entity, input.position());
        repository.flush();
        invalidate();
        LOG.info(() -> "security rule '" + entity.getName() + "' created at position " + entity.getPosition());
        return rule(entity);
    }

    @ChangesSettings
    public synchronized SecurityRule update(String id, SecurityRule input) {
        SecurityRuleEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        List<SecurityRuleEntity> all = new ArrayList<>(repository.list());
        all.removeIf(r -> r.getId().equals(id));
        // an omitted position or enabled flag keeps the rule's: a script that edits a disabled rule must not enable it
        store(entity, input, all, entity.isEnabled());
        place(all, entity, input.position() == null ? entity.getPosition() : input.position());
        repository.flush();
        invalidate();
        LOG.info(() -> "security rule '" + entity.getName() + "' changed (position " + entity.getPosition() + ")");
        return rule(entity);
    }

    /** Moves a rule to {@code position} (1 is first; past the end is last); the others keep their order. */
    @ChangesSettings
    public synchronized SecurityRule move(String id, int position) {
        SecurityRuleEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        List<SecurityRuleEntity> all = new ArrayList<>(repository.list());
        all.removeIf(r -> r.getId().equals(id));
        place(all, entity, position);
        repository.flush();
        invalidate();
        LOG.info(() -> "security rule '" + entity.getName() + "' moved to position " + entity.getPosition());
        return rule(entity);
    }

    @ChangesSettings
    public synchronized void delete(String id) {
        SecurityRuleEntity entity = repository.find(id).orElseThrow(() -> notFound(id));
        repository.delete(entity);
        List<SecurityRuleEntity> rest = new ArrayList<>(repository.list());
        rest.removeIf(r -> r.getId().equals(id));
        for (int i = 0; i < rest.size(); i++) {
            rest.get(i).moveTo(i + 1);
        }
        repository.flush();
        invalidate();
        LOG.info(() -> "security rule '" + entity.getName() + "' deleted" + (rest.isEmpty()
                ? "; no rule is left, so every recipient is refused at RCPT (550 5.7.1 no security rule)"
                : ""));
    }

    /** The dry run: which rule takes each recipient of this envelope, as the RCPT check would find it now. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Evaluation> evaluate(Envelope envelope, List<String> recipients) {
        if (recipients.size() > RuleChecks.MAX_ENTRIES) {
            throw SettingNames.invalid("recipients: at most " + RuleChecks.MAX_ENTRIES);
        }
        if (envelope.clientAddress() != null && !envelope.clientAddress().isBlank()
                && address(envelope.clientAddress()) == null) {
            throw SettingNames.invalid("clientAddress: '" + envelope.clientAddress() + "' is not an IP address");
        }
        return recipients.stream().map(r -> new Evaluation(r, match(envelope, r).map(Matched::name).orElse(null)))
                .toList();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Matched> match(Envelope envelope, String recipient) {
        InetAddress client = address(envelope.clientAddress());
        String endpoint = envelope.endpoint() == null ? "" : envelope.endpoint().toLowerCase(Locale.ROOT);
        for (Compiled rule : snapshot()) {
            if (rule.enabled()
                    && (rule.endpoints().isEmpty() || rule.endpoints().contains(endpoint))
                    && (rule.hops().isEmpty() || client != null && Cidr.anyContains(rule.hops(), client))
                    && rule.senders().matches(envelope.sender())
                    && rule.recipients().matches(recipient)) {
                return Optional.of(new Matched(rule.applied().id(), rule.applied().name(),
                        rule.applied().direction()));
            }
        }
        return Optional.empty();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Applied applied(String ruleId, String ruleName) {
        if (ruleId != null) {
            for (Compiled rule : snapshot()) {
                if (rule.entity().getId().equals(ruleId)) {
                    return rule.applied();
                }
            }
        }
        return Applied.standIn(ruleName);
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Applied> named(String name) {
        return snapshot().stream().filter(rule -> rule.entity().getName().equals(name)).findFirst()
                .map(Compiled::applied);
    }

    /** One more recipient refused because no rule takes it. */
    public void refusedWithoutRule() {
        refusedRecipients.incrementAndGet();
    }

    /** Recipients refused at RCPT because no rule took them, since the start. */
    public long refusedWithoutRuleCount() {
        return refusedRecipients.get();
    }

    @Override
    @Transactional(Transactional.TxType.SUPPORTS)
    public List<String> usesOfProfile(String profileId) {
        return snapshot().stream().filter(r -> profileId.equals(r.applied().coreProfileId())
                || profileId.equals(r.applied().relayProfileId()))
                .map(r -> "security rule '" + r.applied().name() + "'").toList();
    }

    /** Takes the input's values into {@code entity}, checked, with the profiles by id. */
    private void store(SecurityRuleEntity entity, SecurityRule in, List<SecurityRuleEntity> others,
            boolean enabledIfOmitted) {
        String name = RuleChecks.name(in.name());
        for (SecurityRuleEntity other : others) {
            if (other.getName().equalsIgnoreCase(name)) {
                throw SettingNames.invalid("name: a rule named '" + other.getName() + "' exists already");
            }
        }
        String coreProfileId = profile(in.coreProfile(), Type.CORE, "coreProfile");
        String relayProfileId = profile(in.relayProfile(), Type.SMTP, "relayProfile");
        StoredRule stored = new StoredRule(RuleChecks.filter(in.filter()), coreProfileId,
                RuleChecks.coreRule(in.coreRule()), relayProfileId, in.scanBody() == null || in.scanBody(),
                RuleChecks.actions(in.actions()), RuleChecks.marks(in.marks()),
                RuleChecks.scanErrorAfter(in.scanErrorAfter()), RuleChecks.cdr(in.cdr()));
        if (in.position() != null && in.position() < 1) {
            throw SettingNames.invalid("position: 1 is the first; was " + in.position());
        }
        String definition = stored.write();
        if (definition.length() > MAX_DEFINITION) {
            // each field is bounded, but all of them at their bounds would not fit the column (V13)
            throw SettingNames.invalid("marks: the rule is " + definition.length() + " characters as stored, more"
                    + " than " + MAX_DEFINITION + "; shorten its disclaimers or its filter's lists");
        }
        entity.set(name, entity.getPosition(), in.enabled() == null ? enabledIfOmitted : in.enabled(), definition,
                Instant.now());
    }

    private String profile(String nameOrId, Type type, String field) {
        if (nameOrId == null || nameOrId.isBlank()) {
            return null;
        }
        return profiles.idOf(nameOrId.strip(), type).orElseThrow(() -> SettingNames.invalid(field + ": no "
                + type + " server profile named '" + nameOrId + "' (see /api/v1/server-profiles)"));
    }

    /** Puts {@code entity} at {@code position} among {@code others} (in order), numbering all 1..n. */
    private static void place(List<SecurityRuleEntity> others, SecurityRuleEntity entity, Integer position) {
        int at = position == null ? others.size() : Math.max(0, Math.min(position - 1, others.size()));
        others.add(at, entity);
        for (int i = 0; i < others.size(); i++) {
            others.get(i).moveTo(i + 1);
        }
    }

    private SecurityRule rule(SecurityRuleEntity e) {
        StoredRule s = StoredRule.read(e.getDefinition());
        return new SecurityRule(e.getId(), e.getName(), e.isEnabled(), e.getPosition(), RuleChecks.filter(s.filter()),
                s.coreProfileId() == null ? null : profiles.nameOf(s.coreProfileId()).orElse(s.coreProfileId()),
                s.coreRule(),
                s.relayProfileId() == null ? null : profiles.nameOf(s.relayProfileId()).orElse(s.relayProfileId()),
                s.scanBody() == null || s.scanBody(), RuleChecks.actions(s.actions()), RuleChecks.marks(s.marks()),
                s.scanErrorAfter(), RuleChecks.cdr(s.cdr()));
    }

    private List<Compiled> snapshot() {
        return snapshot.get();
    }

    /** Forgets the snapshot now and again once the transaction has ended, so no reader keeps a stale one. */
    private void invalidate() {
        snapshot.invalidate(transactions);
    }

    private static InetAddress address(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String literal = text.strip();
        if (!literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null; // a literal address only: never a name to look up
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static RefusedException notFound(String id) {
        return new RefusedException(Reason.NOT_FOUND, "no security rule with id '" + id + "'");
    }

    /** From the stored form to the matcher's. */
    private static final class RuleCompiler {

        static Compiled compile(SecurityRuleEntity e) {
            StoredRule s = StoredRule.read(e.getDefinition());
            SecurityRule.Filter f = RuleChecks.filter(s.filter());
            Actions a = RuleChecks.actions(s.actions());
            Applied applied = new Applied(e.getId(), e.getName(), f.direction(), s.coreProfileId(), s.coreRule(),
                    s.relayProfileId(), s.scanBody() == null || s.scanBody(), a.blocked(), a.encrypted(),
                    a.scanError(), s.scanErrorAfter() == null ? null : Duration.parse(s.scanErrorAfter()),
                    RuleChecks.marks(s.marks()), RuleChecks.cdr(s.cdr()));
            return new Compiled(e, e.isEnabled(),
                    f.endpoints().stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()),
                    f.previousHops().stream().map(Cidr::parse).toList(), AddressPatterns.of(f.senders()),
                    AddressPatterns.of(f.recipients()), applied);
        }
    }
}
