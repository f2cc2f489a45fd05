package io.moat.web;

import io.moat.settings.rules.SecurityRuleService;
import io.moat.settings.rules.SecurityRules;
import io.moat.web.SecurityRuleDto.EvaluationDto;
import io.moat.web.SecurityRuleDto.EvaluationRequest;
import io.moat.web.SecurityRuleDto.MoveRequest;
import io.moat.web.SecurityRuleDto.RecipientRule;
import io.moat.web.internal.SecurityRuleAssembler;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * Settings &gt; Security rules: the ordered list (first match wins), each rule's filter, profiles, actions and marks,
 * moves, and the dry run that says which rule takes each recipient of an envelope.
 */
@Path("/security-rules")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SecurityRulesResource {

    @Inject
    SecurityRuleService rules;

    @Context
    UriInfo uri;

    /** In their order. */
    @GET
    public List<SecurityRuleDto> list() {
        return rules.list().stream().map(SecurityRuleAssembler::dto).toList();
    }

    @GET
    @Path("/{id}")
    public SecurityRuleDto get(@PathParam("id") String id) {
        return rules.find(id).map(SecurityRuleAssembler::dto).orElseThrow(() -> new ProblemException(404,
                "No such security rule", "no security rule with id '" + id + "'"));
    }

    /** Creates a rule at {@code position} (omitted: last). */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(SecurityRuleDto body) {
        SecurityRuleDto created = SecurityRuleAssembler.dto(rules.create(SecurityRuleAssembler.input(body)));
        return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build()).entity(created).build();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public SecurityRuleDto update(@PathParam("id") String id, SecurityRuleDto body) {
        return SecurityRuleAssembler.dto(rules.update(id, SecurityRuleAssembler.input(body)));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        rules.delete(id);
        return Response.noContent().build();
    }

    /** Moves a rule: {@code {"position": 1}} makes it the first; the others keep their order. */
    @POST
    @Path("/{id}/move")
    @Consumes(MediaType.APPLICATION_JSON)
    public SecurityRuleDto move(@PathParam("id") String id, MoveRequest body) {
        if (body == null || body.position() == null || body.position() < 1) {
            throw new ProblemException(400, "Invalid move", "position: send {\"position\": n}, 1 the first");
        }
        return SecurityRuleAssembler.dto(rules.move(id, body.position()));
    }

    /** The dry run: which rule each recipient of this envelope matches now (null: none; refused at RCPT). */
    @POST
    @Path("/evaluate")
    @Consumes(MediaType.APPLICATION_JSON)
    public EvaluationDto evaluate(EvaluationRequest body) {
        if (body == null || body.recipients() == null || body.recipients().isEmpty()) {
            throw new ProblemException(400, "Invalid dry run", "recipients: send {\"endpoint\", \"clientAddress\","
                    + " \"sender\", \"recipients\": [...]} with at least one recipient");
        }
        return new EvaluationDto(rules.evaluate(new SecurityRules.Envelope(body.endpoint(), body.clientAddress(),
                body.sender() == null ? "" : body.sender()), body.recipients()).stream()
                .map(e -> new RecipientRule(e.address(), e.rule())).toList());
    }
}
