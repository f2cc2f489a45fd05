package io.moat.delivery;

import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageRepository;
import io.moat.persistence.MessageState;
import io.moat.settings.RefusedException;
import io.moat.settings.RefusedException.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.logging.Logger;

/** "Retry now" for a message waiting for its next delivery attempt. */
@ApplicationScoped
@Transactional
public class MessageRetryService {

    private static final Logger LOG = Logger.getLogger(MessageRetryService.class.getName());

    @Inject
    MessageRepository messages;

    /** Makes a DEFERRED message due at once; the pipeline picks it up within a tick. */
    public void retryNow(String id) {
        MessageEntity message = messages.find(id).orElseThrow(() -> new RefusedException(Reason.NOT_FOUND,
                "no message with id '" + id + "'"));
        if (message.getState() != MessageState.DEFERRED) {
            throw new RefusedException(Reason.CONFLICT, "message " + id + " is " + message.getState()
                    + "; only DEFERRED messages wait for a retry");
        }
        message.dueNow(Instant.now());
        LOG.info(() -> "message " + id + ": delivery retried now at an admin's request");
    }
}
