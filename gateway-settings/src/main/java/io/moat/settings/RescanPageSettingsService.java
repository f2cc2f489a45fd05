package io.moat.settings;

import io.moat.persistence.SettingRepository;
import io.moat.settings.RefusedException.Reason;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Duration;

/**
 * Settings › Rescan page ({@link RescanPageSettings}). Its own stored setting: a link's validity and its password
 * limit belong to the page and its tokens, whichever way a link is given out (a recipient's notice, an admin), not
 * to the notifications or to the retention of what the gateway keeps.
 */
@ApplicationScoped
@Transactional
public class RescanPageSettingsService {

    static final String LINK_VALIDITY = "rescan-page.link-validity";
    static final String MAX_WRONG_PASSWORDS = "rescan-page.max-wrong-passwords";
    /** A second, for tests of the expiry; a year at most: a held message is purged long before (P30D by default). */
    static final Duration MIN_VALIDITY = Duration.ofSeconds(1);
    static final Duration MAX_VALIDITY = Duration.ofDays(365);
    static final int MAX_PASSWORDS = 100;

    @Inject
    SettingRepository settings;

    public RescanPageSettings get() {
        RescanPageSettings d = RescanPageSettings.DEFAULTS;
        return new RescanPageSettings(settings.get(LINK_VALIDITY).map(Duration::parse).orElse(d.linkValidity()),
                settings.get(MAX_WRONG_PASSWORDS).map(Integer::parseInt).orElse(d.maxWrongPasswords()));
    }

    /**
     * Stores what is given ({@code linkValidity} an ISO-8601 duration such as P7D; null keeps the current value);
     * INVALID naming the field otherwise, and then nothing is stored.
     */
    @ChangesSettings
    public RescanPageSettings put(String linkValidity, Integer maxWrongPasswords) {
        Duration validity = RetentionSettingsService.parse("linkValidity", linkValidity, MIN_VALIDITY, MAX_VALIDITY);
        if (maxWrongPasswords != null && (maxWrongPasswords < 1 || maxWrongPasswords > MAX_PASSWORDS)) {
            throw new RefusedException(Reason.INVALID, "maxWrongPasswords: give 1 to " + MAX_PASSWORDS + " ("
                    + maxWrongPasswords + ")");
        }
        if (validity != null) {
            settings.put(LINK_VALIDITY, validity.toString());
        }
        if (maxWrongPasswords != null) {
            settings.put(MAX_WRONG_PASSWORDS, maxWrongPasswords.toString());
        }
        return get();
    }
}
