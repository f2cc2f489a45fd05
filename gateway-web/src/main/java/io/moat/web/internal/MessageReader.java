package io.moat.web.internal;

import io.moat.persistence.MessageQuery;
import io.moat.persistence.MessageRepository;
import io.moat.web.MessageDetailDto;
import io.moat.web.MessageSummaryDto;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Messages as the REST API and the console show them, each read in one transaction (lazy parts included). */
@ApplicationScoped
@Transactional
public class MessageReader {

    @Inject
    MessageRepository messages;

    public List<MessageSummaryDto> search(MessageQuery query, int offset, int limit) {
        return messages.search(query, offset, limit).stream().map(MessageAssembler::summary).toList();
    }

    public Optional<MessageDetailDto> detail(String id) {
        return messages.find(id).map(MessageAssembler::detail);
    }
}
