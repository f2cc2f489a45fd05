package io.moat.web;

import io.moat.settings.profiles.ServerProfile;
import io.moat.settings.profiles.ServerProfileService;
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

/** Settings > Server profiles: how the gateway reaches downstream SMTP servers and Core. */
@Path("/server-profiles")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ServerProfilesResource {

    @Inject
    ServerProfileService profiles;

    @Context
    UriInfo uri;

    @GET
    public List<ServerProfileDto> list() {
        return profiles.list().stream().map(ServerProfilesResource::dto).toList();
    }

    @GET
    @Path("/{id}")
    public ServerProfileDto get(@PathParam("id") String id) {
        return profiles.find(id).map(ServerProfilesResource::dto).orElseThrow(() -> new ProblemException(404,
                "No such server profile", "no server profile with id '" + id + "'"));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(ServerProfileDto body) {
        ServerProfileDto created = dto(profiles.create(input(body)));
        return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build()).entity(created).build();
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ServerProfileDto update(@PathParam("id") String id, ServerProfileDto body) {
        return dto(profiles.update(id, input(body)));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        profiles.delete(id);
        return Response.noContent().build();
    }

    private static ServerProfile input(ServerProfileDto body) {
        if (body == null) {
            throw new ProblemException(400, "Missing body", "Send the profile as JSON: {\"name\", \"type\","
                    + " \"servers\": [{\"uri\": ...}]}.");
        }
        List<ServerProfile.Server> servers = body.servers() == null
                ? List.of()
                : body.servers().stream().map(s -> new ServerProfile.Server(s.uri(), s.encryption(), s.protocols(),
                        s.verifyHostname(), s.username(), s.password(), false, s.clientCertificateId())).toList();
        return new ServerProfile(null, body.name(), parse(ServerProfile.Type.class, body.type(), "type"),
                parse(ServerProfile.Strategy.class, body.strategy(), "strategy"), body.defaultProfile(),
                body.recipientDomains(), servers, body.apikey(), false, body.rule(), body.timeoutSeconds(),
                body.maxInFlight(), webhook(body.webhook()));
    }

    private static ServerProfile.Webhook webhook(ServerProfileDto.WebhookDto in) {
        if (in == null) {
            return null;
        }
        ServerProfile.Tls tls = in.tls() == null
                ? null
                : new ServerProfile.Tls(in.tls().enabled(), in.tls().certificateId(), in.tls().protocols());
        return new ServerProfile.Webhook(in.enabled(), in.bindAddress(), in.port(), in.publicUrl(), tls,
                in.fallbackPollSeconds());
    }

    private static ServerProfileDto.WebhookDto webhook(ServerProfile.Webhook w) {
        if (w == null) {
            return null;
        }
        return new ServerProfileDto.WebhookDto(w.enabled(), w.bindAddress(), w.port(), w.publicUrl(),
                new ServerProfileDto.TlsDto(w.tls().enabled(), w.tls().certificateId(), w.tls().protocols()),
                w.fallbackPollSeconds());
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ProblemException(400, "Invalid server profile", field + " '" + value + "' is not one of "
                    + Arrays.toString(type.getEnumConstants()));
        }
    }

    private static ServerProfileDto dto(ServerProfile p) {
        return new ServerProfileDto(p.id(), p.name(), p.type().name(), p.strategy().name(), p.defaultProfile(),
                p.recipientDomains(), p.servers().stream().map(s -> new ServerProfileDto.ServerDto(s.uri(),
                        s.encryption(), s.protocols(), s.verifyHostname(), s.username(), null, s.passwordSet(),
                        s.clientCertificateId())).toList(),
                null, p.type() == ServerProfile.Type.CORE ? p.apikeySet() : null, p.rule(), p.timeoutSeconds(),
                p.maxInFlight(), webhook(p.webhook()));
    }
}
