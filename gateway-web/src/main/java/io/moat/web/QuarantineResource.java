package io.moat.web;

import io.moat.delivery.Actor;
import io.moat.delivery.PublicRescan;
import io.moat.delivery.Quarantine;
import io.moat.delivery.QuarantineFilter;
import io.moat.delivery.QuarantineItemDto;
import io.moat.settings.RefusedException;
import io.moat.web.internal.ApiParameters;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The quarantine: what the security rules held (blocked, held for a password, scan failed, beyond the gateway's
 * limits, processing failed), and the admin's actions on it. Reading is for admins and auditors; every action, the
 * download included, for admins only, and recorded with who, from where and when.
 */
@Path("/quarantine")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class QuarantineResource {

    private static final int MAX_BULK = 500;

    @Inject
    Quarantine quarantine;

    @Inject
    PublicRescan rescanPage;

    @Context
    SecurityContext security;

    @Context
    HttpServletRequest request;

    /** Newest first; {@code reason}, {@code rule}, {@code sender}, {@code recipient} and the dates filter. */
    @GET
    public List<QuarantineItemDto> list(@QueryParam("reason") String reason, @QueryParam("rule") String rule,
            @QueryParam("sender") String sender, @QueryParam("recipient") String recipient,
            @QueryParam("receivedFrom") String receivedFrom, @QueryParam("receivedBefore") String receivedBefore,
            @QueryParam("offset") @DefaultValue("0") int offset, @QueryParam("limit") @DefaultValue("100") int limit) {
        ApiParameters.paging(offset, limit);
        return quarantine.list(new QuarantineFilter(reason, rule, sender, recipient,
                ApiParameters.instant("receivedFrom", receivedFrom),
                ApiParameters.instant("receivedBefore", receivedBefore)), offset, limit);
    }

    /** What the retention purge removed in the last 24 hours, and when it last ran. */
    @GET
    @Path("/purged")
    public Quarantine.PurgedDto purged() {
        return quarantine.purgedSince(Instant.now().minus(Duration.ofHours(24)));
    }

    @GET
    @Path("/{id}")
    public QuarantineItemDto get(@PathParam("id") String id) {
        return quarantine.detail(id).orElseThrow(() -> new ProblemException(404, "Not in the quarantine",
                "No quarantined message has the id '" + id + "'."));
    }

    /**
     * Delivers the message as it came, to all its held recipients or to those named; 202 with the id of the message
     * that goes out (its own, or the copy's when some recipients were named).
     */
    @POST
    @Path("/{id}/release")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response release(@PathParam("id") String id, QuarantineRequests.Release body) {
        String going = quarantine.release(id, body == null ? null : body.recipients(), actor());
        return Response.accepted(new QuarantineRequests.Forwarded(going)).build();
    }

    /** Scans the message again (with passwords for encrypted attachments, under another rule); 202. */
    @POST
    @Path("/{id}/rescan")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response rescan(@PathParam("id") String id, QuarantineRequests.Rescan body) {
        Map<String, char[]> passwords = new HashMap<>();
        if (body != null && body.passwords() != null) {
            body.passwords().forEach((name, password) -> {
                if (name == null || password == null) {
                    throw new ProblemException(400, "Invalid request", "passwords: give each attachment's file name"
                            + " and its password as strings");
                }
                passwords.put(name, password.toCharArray());
            });
        }
        quarantine.rescan(id, passwords, body == null ? null : body.rule(), actor());
        return Response.accepted().build();
    }

    /**
     * A new link to the public rescan page for a message held for a password (for a recipient whose link expired,
     * say); 201 with the link and its expiry, 409 unless the message is PASSWORD_REQUIRED. Admins only.
     */
    @POST
    @Path("/{id}/rescan-link")
    @Consumes(MediaType.WILDCARD)
    public Response rescanLink(@PathParam("id") String id) {
        PublicRescan.IssuedLink link = rescanPage.issue(id, actor());
        return Response.created(link.url()).entity(new RescanLinkDto(link.url().toString(), link.expiresAt()))
                .build();
    }

    /** Sends a copy to {@code to}; 202 with the copy's message id. */
    @POST
    @Path("/{id}/forward")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response forward(@PathParam("id") String id, QuarantineRequests.Forward body) {
        String copy = quarantine.forward(id, body == null ? null : body.to(), actor());
        return Response.accepted(new QuarantineRequests.Forwarded(copy)).build();
    }

    /** The original message ({@code .eml}); admins only: it may carry the very malware it was held for. */
    @GET
    @Path("/{id}/download")
    @Produces({"message/rfc822", MediaType.APPLICATION_JSON})
    public Response download(@PathParam("id") String id) {
        if (!security.isUserInRole("admin")) {
            throw new ProblemException(403, "Forbidden", "Only admins may download quarantined messages.");
        }
        InputStream in = quarantine.download(id, actor());
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, "message/rfc822")
                .header("Content-Disposition", "attachment; filename=\"" + id.replaceAll("[^A-Za-z0-9._-]", "_")
                        + ".eml\"")
                .header("X-Content-Type-Options", "nosniff").build();
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        quarantine.delete(id, actor());
        return Response.noContent().build();
    }

    /**
     * One action on several messages: each answered as the single action would be (202, 204, 404, 409 ...), in
     * {@code results}; 200.
     */
    @POST
    @Path("/bulk")
    @Consumes(MediaType.APPLICATION_JSON)
    public List<QuarantineRequests.BulkResult> bulk(QuarantineRequests.Bulk body) {
        if (body == null || body.action() == null || body.ids() == null || body.ids().isEmpty()
                || body.ids().size() > MAX_BULK) {
            throw new ProblemException(400, "Invalid request", "Send {\"action\": \"RELEASE\"|\"RESCAN\"|\"DELETE\","
                    + " \"ids\": [...]} with 1 to " + MAX_BULK + " ids.");
        }
        String action = body.action().strip().toUpperCase(Locale.ROOT);
        if (!List.of("RELEASE", "RESCAN", "DELETE").contains(action)) {
            throw new ProblemException(400, "Invalid request", "action: '" + body.action()
                    + "' is not RELEASE, RESCAN or DELETE");
        }
        Actor actor = actor();
        List<QuarantineRequests.BulkResult> results = new ArrayList<>();
        for (String id : body.ids()) {
            try {
                switch (action) {
                    case "RELEASE" -> quarantine.release(id, null, actor);
                    case "RESCAN" -> quarantine.rescan(id, Map.of(), null, actor);
                    default -> quarantine.delete(id, actor);
                }
                results.add(new QuarantineRequests.BulkResult(id, action.equals("DELETE") ? 204 : 202, null));
            } catch (RefusedException e) {
                results.add(new QuarantineRequests.BulkResult(id, ProblemMapper.status(e), e.getMessage()));
            }
        }
        return results;
    }

    private Actor actor() {
        return new Actor(security.getUserPrincipal() == null ? "anonymous" : security.getUserPrincipal().getName(),
                request.getRemoteAddr());
    }
}
