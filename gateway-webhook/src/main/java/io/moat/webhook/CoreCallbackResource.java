package io.moat.webhook;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * Core's callback ({@code POST} or {@code PUT}, as Core's documentation says both). Not wired yet: the gateway
 * polls Core for verdicts, so a callback is answered 501 with a problem body and changes nothing.
 */
@Path("/core/{token}")
public class CoreCallbackResource {

    @POST
    public Response post(@PathParam("token") String token) {
        return notYet();
    }

    @PUT
    public Response put(@PathParam("token") String token) {
        return notYet();
    }

    private static Response notYet() {
        return Response.status(501).type("application/problem+json")
                .entity("{\"type\":\"about:blank\",\"title\":\"Not Implemented\",\"status\":501,"
                        + "\"detail\":\"Webhook callbacks are not accepted yet; Moat polls Core for verdicts.\"}")
                .build();
    }
}
