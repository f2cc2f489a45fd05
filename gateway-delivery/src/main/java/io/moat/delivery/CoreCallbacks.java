package io.moat.delivery;

import io.moat.delivery.pipeline.CoreWaits;
import io.moat.delivery.pipeline.MessageSteps;
import io.moat.delivery.pipeline.PipelineScheduler;
import io.moat.delivery.tokens.SecretTokens;
import io.moat.persistence.CoreCallbackRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Core's callbacks, as the webhook module hands them over: a callback never carries a verdict into the gateway. A
 * token issued for one submitted file, with that file's {@code data_id}, is used up, and the callback of the last of a
 * message's files awaited makes the message due now (one claim for all of its files); the
 * pipeline then reads the verdict from Core over the profile's own connection (ADR 0003, ADR 0039). Anything else
 * (a token that is not one of ours, expired, used, or for another file) changes nothing and is told apart from none
 * of the others. The tokens of messages waiting in memory for Core ({@link CoreWaits}, ADR 0041) are kept there until
 * their runs are recorded: a callback for one of them wakes the message without a transaction.
 */
@ApplicationScoped
public class CoreCallbacks {

    private static final Logger LOG = Logger.getLogger(CoreCallbacks.class.getName());

    @Inject
    CoreCallbackRepository callbacks;

    @Inject
    PipelineScheduler scheduler;

    @Inject
    CoreWaits waits;

    @Inject
    MessageSteps steps;

    /**
     * Takes a callback.
     *
     * @param token  the token of the callback's URL
     * @param dataId the {@code data_id} the callback's body names
     * @return whether it was one the gateway waited for (false for every other)
     */
    public boolean callback(String token, String dataId) {
        Optional<String> hash = SecretTokens.hashOf(token);
        if (hash.isEmpty() || dataId == null) {
            return false;
        }
        CoreWaits.Callback kept = waits.called(hash.get(), dataId);
        if (kept == CoreWaits.Callback.TAKEN) {
            LOG.fine(() -> "Core called back for data_id " + dataId + " of a message waiting in memory");
            return true;
        }
        if (kept == CoreWaits.Callback.REFUSED) {
            return false;
        }
        // not kept in memory: the database knows it, or nobody does
        MessageSteps.CalledBack found = steps.calledBack(hash.get(), dataId, Instant.now());
        if (found == MessageSteps.CalledBack.DUE) {
            scheduler.wakeUp(); // the message is due now (committed): claimed at once, not at the next tick
        }
        LOG.fine(() -> "Core called back for data_id " + dataId + ": " + found);
        return found != MessageSteps.CalledBack.UNKNOWN;
    }

    /** Forgets the callbacks that can no longer come in time (their scan's budget is over). */
    @Transactional
    public int purgeExpired() {
        return callbacks.deleteExpiredBefore(Instant.now());
    }
}
