package io.moat.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The nodes' rows ({@link NodeEntity}); each method in a transaction of its own unless the caller has one. */
@ApplicationScoped
@Transactional
public class NodeRepository {

    @PersistenceContext(unitName = "moat")
    private EntityManager em;

    /** Records a new run of {@code nodeId}: its instance, version and address, started and beating now. */
    public void started(String nodeId, String instance, String version, String address, Instant now) {
        NodeEntity node = em.find(NodeEntity.class, nodeId);
        if (node == null) {
            node = new NodeEntity(nodeId);
            node.started(instance, version, address, now);
            em.persist(node);
        } else {
            node.started(instance, version, address, now);
        }
    }

    /** The run {@code instance} of {@code nodeId} is alive at {@code now}; false if another run took the row. */
    public boolean heartbeat(String nodeId, String instance, Instant now) {
        return em.createQuery("UPDATE NodeEntity n SET n.heartbeatAt = :now WHERE n.nodeId = :id"
                + " AND n.instance = :instance").setParameter("now", now).setParameter("id", nodeId)
                .setParameter("instance", instance).executeUpdate() == 1;
    }

    /** The run {@code instance} of {@code nodeId} stopped at {@code now}. */
    public void stopped(String nodeId, String instance, Instant now) {
        em.createQuery("UPDATE NodeEntity n SET n.stoppedAt = :now WHERE n.nodeId = :id AND n.instance = :instance")
                .setParameter("now", now).setParameter("id", nodeId).setParameter("instance", instance)
                .executeUpdate();
    }

    public Optional<NodeEntity> find(String nodeId) {
        return Optional.ofNullable(em.find(NodeEntity.class, nodeId));
    }

    public List<NodeEntity> list() {
        return em.createQuery("SELECT n FROM NodeEntity n ORDER BY n.nodeId", NodeEntity.class).getResultList();
    }

    /**
     * How many pending messages each node holds leased at {@code now}, by node id (a lease's owner is
     * {@code <node id>/...}).
     */
    public Map<String, Long> leasesByNode(Instant now) {
        List<Object[]> rows = em.createQuery("SELECT m.leaseOwner, COUNT(m) FROM MessageEntity m"
                + " WHERE m.nextAttemptAt >= :floor AND m.leaseUntil > :now GROUP BY m.leaseOwner", Object[].class)
                .setParameter("floor", Instant.EPOCH).setParameter("now", now).getResultList();
        Map<String, Long> byNode = new HashMap<>();
        for (Object[] row : rows) {
            String owner = (String) row[0];
            int slash = owner == null ? -1 : owner.indexOf('/');
            if (slash > 0) {
                byNode.merge(owner.substring(0, slash), ((Number) row[1]).longValue(), Long::sum);
            }
        }
        return byNode;
    }
}
