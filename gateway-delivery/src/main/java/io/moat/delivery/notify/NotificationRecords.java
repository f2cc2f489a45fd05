package io.moat.delivery.notify;

import io.moat.persistence.DigestEventEntity;
import io.moat.persistence.DigestEventRepository;
import io.moat.persistence.MessageRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Records a held message's notices in the transaction that holds it: each mail as a QUEUED message of kind
 * {@code NOTIFICATION}, each digest event in the table the digest takes it from. A crash before that commit loses
 * neither the hold nor the notices; after it, both are there.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class NotificationRecords {

    @Inject
    MessageRepository messages;

    @Inject
    DigestEventRepository digest;

    public void record(Notices notices, Instant now) {
        if (notices == null) {
            return;
        }
        for (Notification mail : notices.mails()) {
            messages.add(mail.record(now));
        }
        for (Notices.DigestEvent event : notices.digestEvents()) {
            digest.add(new DigestEventEntity(event.messageId(), now, event.values().json()));
        }
    }
}
