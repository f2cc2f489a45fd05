package io.moat.web;

import java.util.List;

/** Settings > Security, console HTTPS: on or off, the certificate's id and the protocol versions. */
public record ConsoleTlsDto(Boolean enabled, String certificateId, List<String> protocols) {
}
