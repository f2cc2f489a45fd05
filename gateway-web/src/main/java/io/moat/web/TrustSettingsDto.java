package io.moat.web;

/** Settings > Server profiles, trust: whether the JVM's default CAs are trusted too. */
public record TrustSettingsDto(Boolean jvmDefaultCas) {
}
