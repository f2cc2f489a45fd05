package io.moat.web;

import io.moat.delivery.MessageDetailDto;
import io.moat.delivery.MessageQueries;
import io.moat.delivery.MessageRetryService;
import io.moat.delivery.MessageSummaryDto;
import io.moat.persistence.MessageQuery;
import io.moat.persistence.MessageState;
import io.moat.settings.rules.SecurityRule;
import io.moat.web.internal.ApiParameters;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The messages the gateway holds or has handled. */
@Path("/messages")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class MessagesResource {

    @Inject
    MessageQueries messages;

    @Inject
    MessageRetryService retries;

    /**
     * Newest first; {@code state} (e.g. {@code DEFERRED}), {@code sender}, {@code recipient}, {@code subject} (text
     * anywhere, any case), {@code receivedFrom}/{@code receivedBefore} (ISO-8601 instants), {@code rule} (a security
     * rule's name) and {@code outcome} (ALLOWED, BLOCKED, ENCRYPTED, SCAN_ERROR, UNINSPECTED) filter,
     * {@code offset}/{@code limit} page.
     */
    @GET
    public List<MessageSummaryDto> list(@QueryParam("state") String state, @QueryParam("sender") String sender,
            @QueryParam("recipient") String recipient, @QueryParam("subject") String subject,
            @QueryParam("receivedFrom") String receivedFrom, @QueryParam("receivedBefore") String receivedBefore,
            @QueryParam("rule") String rule, @QueryParam("outcome") String outcome,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit) {
        ApiParameters.paging(offset, limit);
        MessageQuery query = new MessageQuery(parseState(state), sender, recipient, subject,
                ApiParameters.instant("receivedFrom", receivedFrom),
                ApiParameters.instant("receivedBefore", receivedBefore), rule,
                parseOutcome(outcome));
        return messages.search(query, offset, limit);
    }

    @GET
    @Path("/{id}")
    public MessageDetailDto get(@PathParam("id") String id) {
        return messages.detail(id).orElseThrow(
                () -> new ProblemException(404, "No such message", "No message has the id '" + id + "'."));
    }

    /** Makes a DEFERRED message due now; 202: the pipeline takes it within a moment. */
    @POST
    @Path("/{id}/retry")
    public Response retry(@PathParam("id") String id) {
        retries.retryNow(id);
        return Response.accepted().build();
    }

    private static String parseOutcome(String outcome) {
        if (outcome == null || outcome.isBlank()) {
            return null;
        }
        try {
            return SecurityRule.Outcome.valueOf(outcome.strip().toUpperCase(Locale.ROOT)).name();
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Unknown outcome", "'" + outcome + "' is not an outcome; use one of "
                    + Arrays.toString(SecurityRule.Outcome.values()));
        }
    }

    private static MessageState parseState(String state) {
        if (state == null || state.isBlank()) {
            return null;
        }
        try {
            return MessageState.valueOf(state.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Unknown state", "'" + state + "' is not a message state; use one of "
                    + Arrays.toString(MessageState.values()));
        }
    }
}
