package io.moat.delivery;

import io.moat.delivery.pipeline.PipelineScheduler;
import io.moat.delivery.tokens.SecretTokens;
import io.moat.persistence.CoreCallbackRepository;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
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
 * of the others.
 */
@ApplicationScoped
public class CoreCallbacks {

    private static final Logger LOG = Logger.getLogger(CoreCallbacks.class.getName());

    @Inject
    CoreCallbackRepository callbacks;

    @Inject
    PipelineScheduler scheduler;

    @Resource
    TransactionSynchronizationRegistry transactions;

    /**
     * Takes a callback.
     *
     * @param token  the token of the callback's URL
     * @param dataId the {@code data_id} the callback's body names
     * @return whether it was one the gateway waited for (false for every other)
     */
    @Transactional
    public boolean callback(String token, String dataId) {
        Optional<String> hash = SecretTokens.hashOf(token);
        if (hash.isEmpty() || dataId == null) {
            return false;
        }
        Instant now = Instant.now();
        Optional<String> message = callbacks.use(hash.get(), dataId, now);
        if (message.isEmpty()) {
            return false;
        }
        // the message is looked at once all its files are done: a callback for each would claim it for each
        if (callbacks.awaited(message.get(), now)) {
            LOG.fine(() -> "Core called back for data_id " + dataId + "; other files of message " + message.get()
                    + " are still at Core");
            return true;
        }
        if (callbacks.makeDue(message.get(), now)) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                    // nothing to do before the commit
                }

                @Override
                public void afterCompletion(int status) {
                    if (status == Status.STATUS_COMMITTED) {
                        scheduler.wakeUp(); // the message is due now: claimed at once, not at the next tick
                    }
                }
            });
        }
        LOG.fine(() -> "Core called back for data_id " + dataId + " of message " + message.get());
        return true;
    }

    /** Forgets the callbacks that can no longer come in time (their scan's budget is over). */
    @Transactional
    public int purgeExpired() {
        return callbacks.deleteExpiredBefore(Instant.now());
    }
}
