package io.moat.web;

/** Settings > General: the public server address (its scheme follows the console's TLS setting). */
public record GeneralSettingsDto(String publicAddress) {
}
