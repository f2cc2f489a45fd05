package io.moat.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A named value the gateway keeps between starts (e.g. the admin password's hash). */
@Entity
@Table(name = "moat_setting")
public class SettingEntity {

    @Id
    private String name;

    @Column(name = "setting_value")
    private String value;

    protected SettingEntity() {
        // for JPA
    }

    public SettingEntity(String name, String value) {
        this.name = name;
        this.value = value;
    }

    public String getName() {
        return name;
    }

    public String getValue() {
        return value;
    }

    public void setValue(String value) {
        this.value = value;
    }
}
