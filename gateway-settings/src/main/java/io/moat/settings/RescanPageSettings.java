package io.moat.settings;

import java.time.Duration;

/**
 * Settings › Rescan page: how long a link to the public rescan page works after it is given out ({@code linkValidity},
 * 7 days by default), and how many passwords may be tried through one link ({@code maxWrongPasswords}, 5: a right one
 * ends the link). Stored, so that a change applies to the next link given out and the next password tried.
 */
public record RescanPageSettings(Duration linkValidity, int maxWrongPasswords) {

    public static final RescanPageSettings DEFAULTS = new RescanPageSettings(Duration.ofDays(7), 5);
}
