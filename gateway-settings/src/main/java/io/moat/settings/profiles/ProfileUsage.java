package io.moat.settings.profiles;

import java.util.List;

/** Settings that name a server profile (security rules): a profile they use is not deleted under them. */
public interface ProfileUsage {

    /** What uses the profile with this id, in words for the refusal ("security rule 'partners'"); empty if nothing. */
    List<String> usesOfProfile(String profileId);
}
