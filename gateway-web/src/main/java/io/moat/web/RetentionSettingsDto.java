package io.moat.web;

/**
 * Settings › Retention, as ISO-8601 durations: how long quarantined messages ({@code quarantine}, default P30D), the
 * spool files of failed messages ({@code spoolFiles}, P7D) and the records of handled mail ({@code records}, P90D)
 * are kept. In a PUT, an omitted field keeps its value.
 */
public record RetentionSettingsDto(String quarantine, String spoolFiles, String records) {
}
