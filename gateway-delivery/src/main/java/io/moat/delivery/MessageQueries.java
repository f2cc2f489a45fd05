package io.moat.delivery;

import io.moat.delivery.pipeline.CoreWaits;
import io.moat.persistence.MessageQuery;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageState;
import io.moat.persistence.QuarantineRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The application's read side: messages as the REST API and the console show them, each read in one transaction
 * (lazy parts included) and handed out as DTOs, never as entities, so the web module needs no repository.
 */
@ApplicationScoped
@Transactional
public class MessageQueries {

    @Inject
    MessageRepository messages;

    @Inject
    QuarantineRepository quarantine;

    /** Messages waiting in memory for Core: their record is not written until they get somewhere (ADR 0041). */
    @Inject
    CoreWaits waits;

    public List<MessageSummaryDto> search(MessageQuery query, int offset, int limit) {
        return messages.search(query, offset, limit).stream().map(MessageAssembler::summary)
                .map(m -> waits.waiting(m.id()) ? MessageAssembler.scanning(m) : m).toList();
    }

    public Optional<MessageDetailDto> detail(String id) {
        return messages.find(id).map(m -> MessageAssembler.detail(m, quarantine.actionsOf(id)))
                .map(m -> waits.shown(id).map(shown -> MessageAssembler.scanning(m, shown)).orElse(m));
    }

    /** How many messages received since {@code since} are in each state (states without any are absent). */
    public Map<MessageState, Long> countByStateReceivedSince(Instant since) {
        return messages.countByStateReceivedSince(since);
    }

    /** How many messages received since {@code since} were delivered unscanned by a rule that bypasses scan errors. */
    public long countBypassedSince(Instant since) {
        return messages.countByActionReceivedSince("BYPASS", since);
    }

    /** Messages not yet in a final state: received, being scanned, queued or deferred. */
    public long countPending() {
        return messages.countPending();
    }
}
