package io.moat.web;

/**
 * Settings › Rescan page: how long a link to the public rescan page works ({@code linkValidity}, an ISO-8601 duration,
 * default P7D, PT1S to P365D) and how many passwords one link takes ({@code maxWrongPasswords}, default 5, 1 to 100).
 * In a PUT, an omitted field keeps its value.
 */
public record RescanPageSettingsDto(String linkValidity, Integer maxWrongPasswords) {
}
