package io.moat.web;

import io.moat.settings.certificates.CertificateInput;
import io.moat.settings.certificates.CertificateStore;
import io.moat.web.internal.CertificateAssembler;
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
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Settings > Certificates: key/certificate pairs (the data directory's digital ID among them, read-only). Bodies are
 * JSON ({@link CertificateRequest}) or a multipart form with the same field names; private keys never come back.
 */
@Path("/certificates")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class CertificatesResource {

    private static final Set<String> FIELDS = Set.of("name", "privateKey", "certificate", "pem", "passphrase");
    private static final int MAX_FIELD_BYTES = 256 * 1024;

    @Inject
    CertificateStore store;

    @Context
    UriInfo uri;

    @GET
    public List<CertificateDto> list() {
        return store.list().stream().map(CertificateAssembler::dto).toList();
    }

    @GET
    @Path("/{id}")
    public CertificateDto get(@PathParam("id") String id) {
        return store.find(id).map(CertificateAssembler::dto).orElseThrow(() -> notFound(id));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response add(CertificateRequest request) {
        CertificateDto added = CertificateAssembler.dto(store.add(input(request)));
        return Response.created(uri.getAbsolutePathBuilder().path(added.id()).build()).entity(added).build();
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Response addForm(List<EntityPart> parts) {
        return add(request(parts));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public CertificateDto replace(@PathParam("id") String id, CertificateRequest request) {
        return CertificateAssembler.dto(store.replace(id, input(request)));
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public CertificateDto replaceForm(@PathParam("id") String id, List<EntityPart> parts) {
        return replace(id, request(parts));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        store.delete(id);
        return Response.noContent().build();
    }

    private static CertificateInput input(CertificateRequest request) {
        if (request == null) {
            throw new ProblemException(400, "Missing body", "Send the certificate as JSON ({\"name\", \"privateKey\","
                    + " \"certificate\"} or {\"name\", \"pem\"}) or as a multipart form with those fields.");
        }
        return new CertificateInput(request.name(), request.privateKey(), request.certificate(), request.pem(),
                request.passphrase() == null ? null : request.passphrase().toCharArray());
    }

    private static CertificateRequest request(List<EntityPart> parts) {
        Map<String, String> fields = new HashMap<>();
        for (EntityPart part : parts) {
            if (!FIELDS.contains(part.getName())) {
                throw new ProblemException(400, "Unknown form field", "'" + part.getName()
                        + "' is not a field of a certificate; use " + FIELDS);
            }
            try {
                byte[] value = part.getContent().readNBytes(MAX_FIELD_BYTES + 1);
                if (value.length > MAX_FIELD_BYTES) {
                    throw new ProblemException(400, "Field too large", "'" + part.getName() + "' is larger than "
                            + MAX_FIELD_BYTES / 1024 + " KiB; a key or certificate chain in PEM is far smaller");
                }
                fields.put(part.getName(), new String(value, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ProblemException(400, "Unreadable form", "The form field '" + part.getName()
                        + "' could not be read: " + e.getMessage());
            }
        }
        return new CertificateRequest(fields.get("name"), fields.get("privateKey"), fields.get("certificate"),
                fields.get("pem"), fields.get("passphrase"));
    }

    private static ProblemException notFound(String id) {
        return new ProblemException(404, "No such certificate", "no certificate with id '" + id + "'");
    }
}
