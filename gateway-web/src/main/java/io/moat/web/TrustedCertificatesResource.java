package io.moat.web;

import io.moat.settings.certificates.TrustStoreService;
import io.moat.web.internal.TrustedCertificateAssembler;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * The trust store for outbound TLS: add a CA or server certificate (JSON {@code {name, pem}}), list, delete.
 * Changes apply to the next connection.
 */
@Path("/trusted-certificates")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class TrustedCertificatesResource {

    @Inject
    TrustStoreService trust;

    @Context
    UriInfo uri;

    @GET
    public List<TrustedCertificateDto> list() {
        return trust.list().stream().map(TrustedCertificateAssembler::dto).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(JsonObject body) {
        if (body == null) {
            throw new ProblemException(400, "Missing body", "Send {\"name\": \"...\", \"pem\": \"-----BEGIN"
                    + " CERTIFICATE-----...\"}.");
        }
        TrustedCertificateDto added = TrustedCertificateAssembler.dto(trust.add(body.getString("name", null),
                body.getString("pem", null)));
        return Response.created(uri.getAbsolutePathBuilder().path(added.id()).build()).entity(added).build();
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        trust.delete(id);
        return Response.noContent().build();
    }
}
