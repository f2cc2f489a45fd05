package io.moat.delivery;

import io.moat.delivery.MessageDetailDto.AttachmentDto;
import io.moat.delivery.MessageDetailDto.ClientDto;
import io.moat.delivery.MessageDetailDto.DeliveryAttemptDto;
import io.moat.delivery.MessageDetailDto.EnvelopeDto;
import io.moat.persistence.AttachmentEntity;
import io.moat.persistence.MessageEntity;
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

    static List<MessageDetailDto.ActionDto> actions(List<QuarantineActionEntity> actions) {
        return actions.stream().map(a -> new MessageDetailDto.ActionDto(a.getAction(), a.getActor(),
                a.getClientAddress(), a.getActedAt(), a.getDetail())).toList();
    }
}
