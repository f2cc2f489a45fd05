package io.moat.web;

import io.moat.delivery.NodeRegistry;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** The nodes sharing the database: who they are, whether they answer, what they hold (issue #33). */
@Path("/nodes")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class NodesResource {

    @Inject
    NodeRegistry registry;

    @GET
    public List<NodeDto> list() {
        return registry.nodes().stream().map(n -> new NodeDto(n.id(), n.address(), n.version(), n.startedAt(),
                n.lastHeartbeat(), n.state().name(), n.leases())).toList();
    }
}
