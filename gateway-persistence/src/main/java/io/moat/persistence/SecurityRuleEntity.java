package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A security rule as stored: its name, place in the order and enabled flag as columns, the rest (filter, profiles,
 * actions, marks) as one JSON document the settings module owns.
 */
@Entity
@Table(name = "moat_security_rule")
public class SecurityRuleEntity {

    @Id
    private String id;

    private String name;

    @Column(name = "rule_position")
    private int position;

    private boolean enabled;

    private String definition;

    @Column(name = "created_at")
    private Instant createdAt;

    @Column(name = "updated_at")
    private Instant updatedAt;

    @Version
    private long version;

    protected SecurityRuleEntity() {
        // for JPA
    }

    public SecurityRuleEntity(String id, Instant now) {
        this.id = id;
        this.createdAt = now;
        this.updatedAt = now;
    }

    /** Sets what an admin sets, at {@code now}. */
    public void set(String name, int position, boolean enabled, String definition, Instant now) {
        this.name = name;
        this.position = position;
        this.enabled = enabled;
        this.definition = definition;
        this.updatedAt = now;
    }

    /** Moves the rule to {@code position} (the others are moved by the caller). */
    public void moveTo(int position) {
        this.position = position;
    }

    public String getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public int getPosition() {
        return position;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getDefinition() {
        return definition;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
