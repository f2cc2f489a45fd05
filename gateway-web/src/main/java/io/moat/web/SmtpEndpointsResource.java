package io.moat.web;

import io.moat.settings.endpoints.SmtpEndpoint;
import io.moat.settings.endpoints.SmtpEndpointService;
import io.moat.smtp.api.SmtpEncryption;
import io.moat.smtp.api.SmtpEndpointStatus;
import io.moat.web.internal.SmtpEndpointAssembler;
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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings > Security, SMTP endpoints: each change takes effect at once, without a restart (a new endpoint
 * listens, a removed one stops while its sessions finish, a TLS change applies to the next handshake).
 */
@Path("/smtp-endpoints")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SmtpEndpointsResource {

    @Inject
    SmtpEndpointService endpoints;

    @Context
    UriInfo uri;

    @GET
    public List<SmtpEndpointDto> list() {
        Map<String, SmtpEndpointStatus> status = endpoints.status();
        return endpoints.list().stream().map(e -> dto(e, status.get(e.name()))).toList();
    }

    @GET
    @Path("/{id}")
    public SmtpEndpointDto get(@PathParam("id") String id) {
        SmtpEndpoint endpoint = endpoints.find(id).orElseThrow(() -> new ProblemException(404,
                "No such SMTP endpoint", "no SMTP endpoint with id '" + id + "'"));
        return dto(endpoint, endpoints.status().get(endpoint.name()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(SmtpEndpointDto body) {
        SmtpEndpoint created = endpoints.create(input(body));
        return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build())
                .entity(dto(created, endpoints.status().get(created.name()))).build();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public SmtpEndpointDto update(@PathParam("id") String id, SmtpEndpointDto body) {
        SmtpEndpoint updated = endpoints.update(id, input(body));
        return dto(updated, endpoints.status().get(updated.name()));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        endpoints.delete(id);
        return Response.noContent().build();
    }

    private static SmtpEndpoint input(SmtpEndpointDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing body", "Send the endpoint as JSON: {\"name\", \"port\","
                    + " \"encryption\", ...}.");
        }
        SmtpEncryption encryption = null;
        if (body.encryption() != null) {
            try {
                encryption = SmtpEncryption.valueOf(body.encryption().strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ProblemException(400, "Invalid SMTP endpoint", "encryption '" + body.encryption()
                        + "' is not one of " + Arrays.toString(SmtpEncryption.values()));
            }
        }
        return new SmtpEndpoint(null, body.name(), body.bindAddress(), body.port(), encryption, body.certificateId(),
                body.protocols(), body.cipherSuites(), body.greeting(), body.maxMessageSize(), body.maxConnections(),
                body.idleTimeoutSeconds(), body.maxConnectionsPerClient(), body.sessionTimeoutSeconds(),
                body.minDataRate(), body.maxDiscardSize(), body.relayDomains(), body.trustedNetworks());
    }

    private static SmtpEndpointDto dto(SmtpEndpoint e, SmtpEndpointStatus status) {
        return SmtpEndpointAssembler.dto(e, status);
    }
}
