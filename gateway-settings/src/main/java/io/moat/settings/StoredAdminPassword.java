package io.moat.settings;

import io.moat.persistence.SettingRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.Optional;

/** The hash of the generated admin password, kept in the database (never the password itself). */
@ApplicationScoped
@Transactional
public class StoredAdminPassword {

    private static final String HASH_SETTING = "admin.password-hash";

    @Inject
    SettingRepository settings;

    public Optional<String> hash() {
        return settings.get(HASH_SETTING);
    }

    public void store(String hash) {
        settings.put(HASH_SETTING, hash);
    }
}
