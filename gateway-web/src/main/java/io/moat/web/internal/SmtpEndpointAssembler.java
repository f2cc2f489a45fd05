package io.moat.web.internal;

import io.moat.settings.endpoints.SmtpEndpoint;
import io.moat.smtp.api.SmtpEndpointStatus;
import io.moat.web.SmtpEndpointDto;

/** An SMTP endpoint and what its listener does now, as the REST API and the console show it. */
public final class SmtpEndpointAssembler {

    private SmtpEndpointAssembler() {
    }

    public static SmtpEndpointDto dto(SmtpEndpoint e, SmtpEndpointStatus status) {
        SmtpEndpointDto.Status state = status == null
                ? new SmtpEndpointDto.Status(false, 0, 0, "the SMTP adapter is not running")
                : new SmtpEndpointDto.Status(status.listening(), status.connections(), status.failedHandshakes(),
                        status.problem());
        return new SmtpEndpointDto(e.id(), e.name(), e.bindAddress(), e.port(), e.encryption().name(),
                e.certificateId(), e.protocols(), e.cipherSuites(), e.greeting(), e.maxMessageSize(),
                e.maxConnections(), e.idleTimeoutSeconds(), e.maxConnectionsPerClient(), e.sessionTimeoutSeconds(),
                e.minDataRate(), e.maxDiscardSize(), e.relayDomains(), e.trustedNetworks(), state);
    }
}
