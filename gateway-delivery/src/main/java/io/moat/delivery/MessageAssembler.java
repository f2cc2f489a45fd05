package io.moat.delivery;

import io.moat.delivery.MessageDetailDto.AttachmentDto;
import io.moat.delivery.MessageDetailDto.ClientDto;
import io.moat.delivery.MessageDetailDto.DeliveryAttemptDto;
import io.moat.delivery.MessageDetailDto.EnvelopeDto;
import io.moat.delivery.pipeline.CoreWaits;
import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.MessageEntity;
import io.moat.persistence.MessageState;
import io.moat.persistence.QuarantineActionEntity;
import java.util.List;

/** Turns message records into the API's DTOs; the API never hands out entities. */
final class MessageAssembler {

    private MessageAssembler() {
    }

    static MessageSummaryDto summary(MessageEntity m) {
        return new MessageSummaryDto(m.getId(), m.getState().name(), m.getMailFrom(), m.getRecipients(),
                m.getSubject(), m.getSizeBytes(), m.getReceivedAt(), m.getUpdatedAt(), m.getScanSummary(),
                m.getNextAttemptAt(), m.getLastError(), m.getRuleName(), m.getOutcome(), m.getAction(),
                m.getKind().name());
    }

    static MessageDetailDto detail(MessageEntity m, List<QuarantineActionEntity> actions) {
        return new MessageDetailDto(m.getId(), m.getKind().name(), m.getState().name(),
                new EnvelopeDto(m.getMailFrom(), m.getRecipients()),
                new ClientDto(m.getEndpoint(), m.getRemoteAddress(), m.getHelo(), m.getTlsProtocol(),
                        m.getTlsCipher()),
                m.getSubject(), m.getSizeBytes(), m.getReceivedAt(), m.getUpdatedAt(),
                m.getState().isFinal() ? null : m.getNextAttemptAt(),
                m.getState().isFinal() ? List.of() : m.getPendingRecipients(), m.getScanSummary(), m.getLastError(),
                m.getAttachments().stream()
                        .map(a -> new AttachmentDto(a.getFileName(), a.getContentType(), a.getSizeBytes(),
                                a.getDataId(), a.getVerdictCode(), a.getVerdictLabel(), a.getCategory(),
                                AttachmentEntity.CDR_REPLACED.equals(a.getCdr()), a.getCdr()))
                        .toList(),
                m.getDeliveryAttempts().stream()
                        .map(d -> new DeliveryAttemptDto(d.getAttemptedAt(), d.getServer(), d.getOutcome(),
                                d.getReply(), d.getTlsProtocol(), d.getTlsCipher()))
                        .toList(),
                new MessageDetailDto.RuleDto(m.getRuleName(), m.getDirection(), m.getOutcome(), m.getAction(),
                        m.getMarks()),
                actions(actions));
    }

    /** A message waiting in memory for Core, as it is now rather than as last recorded (ADR 0041). */
    static MessageSummaryDto scanning(MessageSummaryDto m) {
        return new MessageSummaryDto(m.id(), MessageState.SCANNING.name(), m.from(), m.recipients(), m.subject(),
                m.size(), m.receivedAt(), m.updatedAt(), m.scanSummary(), m.nextAttemptAt(), m.lastError(), m.rule(),
                m.outcome(), m.action(), m.kind());
    }

    /** The detail of a message waiting in memory for Core: being scanned, with its parts as Core has them so far. */
    static MessageDetailDto scanning(MessageDetailDto m, CoreWaits.Shown shown) {
        return new MessageDetailDto(m.id(), m.kind(), MessageState.SCANNING.name(), m.envelope(), m.client(),
                shown.subject() != null ? shown.subject() : m.subject(), m.size(), m.receivedAt(), m.updatedAt(),
                m.nextAttemptAt(), m.pendingRecipients(), m.scanSummary(), m.lastError(),
                shown.parts().stream().map(p -> new AttachmentDto(p.fileName(), p.contentType(), p.size(),
                        p.dataId(), p.code(), p.label(), p.category(), false, null)).toList(),
                m.deliveryAttempts(), m.rule(), m.actions());
    }

    static List<MessageDetailDto.ActionDto> actions(List<QuarantineActionEntity> actions) {
        return actions.stream().map(a -> new MessageDetailDto.ActionDto(a.getAction(), a.getActor(),
                a.getClientAddress(), a.getActedAt(), a.getDetail())).toList();
    }
}
